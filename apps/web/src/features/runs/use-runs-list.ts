'use client';

import { FINISHED_STATUSES } from '@gradlab/contracts';
import { answerOf, type paths } from '@gradlab/api-client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';
import { epochFraction, withEpoch, type BatchProgress } from '../../lib/progress';
import { queryKeys } from '../../lib/query-keys';
import { useApiQuery } from '../../lib/use-api-query';
import { useSocketEvents } from '../../lib/use-socket-events';

export const RUNS_PAGE_SIZE = 25;
const FILTER_KEYS = ['status', 'blockType', 'architecture', 'q'] as const;
type RunsQuery = NonNullable<paths['/api/runs']['get']['parameters']['query']>;

/**
 * The runs list as the address says (its page and filters, which `setParam` changes), followed live:
 * unfinished runs' status, epochs and batch progress (`done`: the fraction of a run's epochs done).
 */
export function useRunsList() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const filters = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters.set(key, value);
  }
  // The filters as the address has them: the api checks them and answers 400 for one it does not know.
  const query = { page, pageSize: RUNS_PAGE_SIZE, ...Object.fromEntries(filters) } as RunsQuery;
  const { data, error, setData } = useApiQuery(queryKeys.runs(query), (api) =>
    answerOf(api.GET('/api/runs', { params: { query } })),
  );
  const [progress, setProgress] = useState<Record<string, BatchProgress>>({});

  const setParam = useCallback(
    (key: string, value: string) => {
      const next = new URLSearchParams(params);
      if (value) next.set(key, value);
      else next.delete(key);
      if (key !== 'page') next.delete('page');
      router.replace(`${pathname}?${next}`);
    },
    [params, pathname, router],
  );

  const live = (data?.items ?? []).filter((r) => !FINISHED_STATUSES.includes(r.status)).map((r) => r.id);
  useSocketEvents(
    { runIds: live },
    {
      'run.updated': (run) => setData((d) => d && { ...d, items: d.items.map((r) => (r.id === run.id ? run : r)) }),
      'run.progress': (p) => setProgress((all) => ({ ...all, [p.runId]: p })),
      'epoch.completed': ({ runId, epoch }) =>
        setData((d) => d && { ...d, items: d.items.map((r) => (r.id === runId ? withEpoch(r, epoch) : r)) }),
    },
  );
  const done = (run: NonNullable<typeof data>['items'][number]) =>
    (run.epochsCompleted +
      (run.status === 'running' ? epochFraction(progress[run.id] ?? null, run.epochsCompleted) : 0)) /
    run.config.training.epochs;
  return { params, page, filterQuery: filters.toString(), data, error, done, setParam };
}
