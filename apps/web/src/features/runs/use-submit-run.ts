'use client';

import { answerOf } from '@gradlab/api-client';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';
import type { NewRunSubmission } from '../../lib/new-run-fields';

/** Submits the New run form's run or group; its result is the page of what was queued. */
export function useSubmitRun() {
  const { api } = useApi();
  return useMutation({
    mutationFn: async (submission: NewRunSubmission): Promise<string> =>
      submission.kind === 'group'
        ? `/groups/${(await answerOf(api.POST('/api/groups', { body: submission.request }))).id}`
        : `/runs/${(await answerOf(api.POST('/api/runs', { body: submission.request }))).id}`,
  });
}
