'use client';

import { answerOf } from '@gradlab/api-client';
import type { EpochDto, GradientFlowDto, RunDto } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useApi } from '../../lib/api-context';
import { withEpoch, type BatchProgress } from '../../lib/progress';
import { queryKeys } from '../../lib/query-keys';
import { runAgainRequest } from '../../lib/run-again';
import { useApiCache, useApiQuery } from '../../lib/use-api-query';
import { useSocketEvents } from '../../lib/use-socket-events';

export interface RunData {
  run: RunDto;
  epochs: EpochDto[];
  flows: GradientFlowDto[];
}

/**
 * One run with its epochs and gradient flow, followed live: socket events are applied to what was loaded
 * (an epoch once, in order), and everything is reloaded after a reconnect. `progress` is the batch in flight.
 */
export function useRun(runId: string) {
  const query = useApiQuery<RunData>(queryKeys.run(runId), async (api) => {
    const byId = { params: { path: { id: runId } } };
    const [run, epochs, flows] = await Promise.all([
      answerOf(api.GET('/api/runs/{id}', byId)),
      answerOf(api.GET('/api/runs/{id}/epochs', byId)),
      answerOf(api.GET('/api/runs/{id}/gradient-flow/all', byId)),
    ]);
    return { run, epochs, flows };
  });
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const { setData } = query;
  useSocketEvents(
    { runIds: [runId] },
    {
      'run.updated': (run) => run.id === runId && setData((d) => d && { ...d, run }),
      'run.progress': (p) => p.runId === runId && setProgress(p),
      'epoch.completed': ({ runId: id, epoch, layers }) => {
        if (id !== runId) return;
        setData((d) => {
          if (!d || d.epochs.some((e) => e.epoch === epoch.epoch)) return d;
          return {
            run: withEpoch(d.run, epoch),
            epochs: [...d.epochs, epoch].sort((a, b) => a.epoch - b.epoch),
            flows: [...d.flows, { runId, epoch: epoch.epoch, layers }].sort((a, b) => a.epoch - b.epoch),
          };
        });
      },
    },
  );
  return { data: query.data, error: query.error, progress };
}

/** Cancels the run; the answer (the run, cancelled) replaces the cached one at once. */
export function useCancelRun(runId: string) {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: () => answerOf(api.POST('/api/runs/{id}/cancel', { params: { path: { id: runId } } })),
    onSuccess: (run) => cache.update<RunData>(queryKeys.run(runId), (d) => d && { ...d, run }),
  });
}

/** Submits the run's config again with the next seed, and opens the new run. */
export function useRunAgain() {
  const { api } = useApi();
  const router = useRouter();
  return useMutation({
    mutationFn: (run: RunDto) => answerOf(api.POST('/api/runs', { body: runAgainRequest(run) })),
    onSuccess: (again) => router.push(`/runs/${again.id}`),
  });
}
