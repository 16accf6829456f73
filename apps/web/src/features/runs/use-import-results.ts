'use client';

import { answerOf } from '@gradlab/api-client';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';

/** Imports the course framework's result files (multipart: `folder`, `files`) as a read-only run. */
export function useImportResults() {
  const { api } = useApi();
  return useMutation({
    mutationFn: (form: FormData) => answerOf(api.POST('/api/imports', { body: {}, bodySerializer: () => form })),
  });
}
