'use client';

import type { EpochDto, GradientFlowDto, RunDto } from '@gradlab/contracts';
import { answerOf, ApiError } from '@gradlab/api-client';
import { withEpoch } from '../../lib/progress';
import { queryKeys } from '../../lib/query-keys';
import { useApiQuery } from '../../lib/use-api-query';
import { useSocketEvents } from '../../lib/use-socket-events';

export interface ComparedRun {
  run: RunDto;
  label: string;
  epochs: EpochDto[];
  flow: GradientFlowDto | null;
}

/**
 * The chosen runs with their epochs and latest gradient flow, each labelled so that the legend tells them
 * apart, followed live: finished epochs and status changes are applied as they arrive.
 */
export function useComparedRuns(selected: string[]) {
  const compared = useApiQuery(selected.length ? queryKeys.compare(selected) : null, async (api) => {
    const runs = await Promise.all(
      selected.map(async (id) => {
        const byId = { params: { path: { id } } };
        const [run, epochs] = await Promise.all([
          answerOf(api.GET('/api/runs/{id}', byId)),
          answerOf(api.GET('/api/runs/{id}/epochs', byId)),
        ]);
        // A run with no finished epoch has no gradient flow yet: not asked, rather than answered 404.
        const flow =
          run.epochsCompleted === 0
            ? null
            : await answerOf(api.GET('/api/runs/{id}/gradient-flow', byId)).catch((e) => {
                if (e instanceof ApiError && e.status === 404) return null; // stored meanwhile by no epoch
                throw e;
              });
        return { run, epochs, flow };
      }),
    );
    // Two runs may share a name; the legend must still tell them apart, and say which were imported.
    return runs.map((r): ComparedRun => {
      const name = r.run.kind === 'imported' ? `${r.run.name} (imported)` : r.run.name;
      return {
        ...r,
        label: runs.filter((o) => o.run.name === r.run.name).length > 1 ? `${name} (${r.run.id.slice(0, 8)})` : name,
      };
    });
  });

  // Live: finished epochs and status changes of the compared runs are applied as they arrive.
  const setCompared = compared.setData;
  useSocketEvents(
    { runIds: selected },
    {
      'run.updated': (run) => setCompared((rows) => rows?.map((r) => (r.run.id === run.id ? { ...r, run } : r))),
      'epoch.completed': ({ runId, epoch, layers }) =>
        setCompared((rows) =>
          rows?.map((r) => {
            if (r.run.id !== runId || r.epochs.some((e) => e.epoch === epoch.epoch)) return r;
            const latest = !r.flow || epoch.epoch > r.flow.epoch;
            return {
              ...r,
              run: withEpoch(r.run, epoch),
              epochs: [...r.epochs, epoch].sort((a, b) => a.epoch - b.epoch),
              flow: latest ? { runId, epoch: epoch.epoch, layers } : r.flow,
            };
          }),
        ),
    },
  );
  return compared;
}
