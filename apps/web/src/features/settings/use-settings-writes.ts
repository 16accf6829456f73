'use client';

import { answerOf } from '@gradlab/api-client';
import type { ParsedCreateApiKeyRequest, ParsedCreateTeamRequest, ParsedCreateUserRequest } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useApiCache } from '../../lib/use-api-query';

/** Makes an API key (staff: for another user too); the list of keys is read again. The key is shown once. */
export function useCreateKey() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (body: ParsedCreateApiKeyRequest) => answerOf(api.POST('/api/keys', { body })),
    onSuccess: () => cache.reload(queryKeys.keys()),
  });
}

/** Makes a team (the admin); the list of teams is read again. */
export function useCreateTeam() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (body: ParsedCreateTeamRequest) => answerOf(api.POST('/api/teams', { body })),
    onSuccess: () => cache.reload(queryKeys.teams()),
  });
}

/** Makes a user (staff: in their own team); the list of users is read again. */
export function useCreateUser() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (body: ParsedCreateUserRequest) => answerOf(api.POST('/api/users', { body })),
    onSuccess: () => cache.reload(queryKeys.users()),
  });
}
