'use client';

import { answerOf } from '@gradlab/api-client';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useApiCache } from '../../lib/use-api-query';

/** Revokes an API key, at once; the list of keys is read again whether it worked or not. */
export function useRevokeKey() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (id: string) => answerOf(api.DELETE('/api/keys/{id}', { params: { path: { id } } })),
    onSettled: () => cache.reload(queryKeys.keys()),
  });
}
