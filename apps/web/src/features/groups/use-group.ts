'use client';

import { answerOf } from '@gradlab/api-client';
import { FINISHED_STATUSES, type AggregateDto, type GroupDto, type RunDto } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useApiCache, useApiQuery } from '../../lib/use-api-query';
import { useSocketEvents } from '../../lib/use-socket-events';

/** A finished epoch reloads the aggregate, at most this often. */
const AGGREGATE_RELOAD_MS = 2000;

/**
 * A group, and the aggregate over seeds of one of its cells: the one picked (`pickedCell`), else the best,
 * else the only one (`chosen`),
 * followed live: members' events update the group's runs, a finished run reloads the cells' means, and
 * finished epochs reload the aggregate.
 */
export function useGroup(groupId: string, pickedCell: string | null) {
  const group = useApiQuery<GroupDto>(queryKeys.group(groupId), (api) =>
    answerOf(api.GET('/api/groups/{id}', { params: { path: { id: groupId } } })),
  );
  const cells = group.data?.cells ?? [];
  const cell = pickedCell ?? cells.find((c) => c.best)?.key ?? cells[0]?.key ?? null;
  const aggregate = useApiQuery<AggregateDto>(cell === null ? null : queryKeys.groupAggregate(groupId, cell), (api) =>
    // the page draws one epoch's layer statistics: the latest every run reached, not all (a megabyte)
    answerOf(
      api.GET('/api/groups/{id}/aggregate', {
        params: { path: { id: groupId }, query: { cell: cell ?? '', gradientFlow: 'latest' } },
      }),
    ),
  );
  const reloadAggregate = aggregate.reload;
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  const { setData: setGroup, reload: reloadGroup } = group;
  useSocketEvents(
    { runIds: group.data?.runs.map((r) => r.id) ?? [] },
    {
      'run.updated': (run: RunDto) => {
        setGroup((g) => g && { ...g, runs: g.runs.map((r) => (r.id === run.id ? { ...r, ...run } : r)) });
        if (FINISHED_STATUSES.includes(run.status)) reloadGroup(); // the cells' means change
      },
      'epoch.completed': () => {
        if (pending.current) return;
        pending.current = setTimeout(() => {
          pending.current = null;
          reloadAggregate();
        }, AGGREGATE_RELOAD_MS);
      },
    },
  );
  return {
    group: group.data,
    error: group.error,
    chosen: cell,
    aggregate: aggregate.data,
    aggregateError: aggregate.error,
  };
}

/** Cancels every queued or running run of the group; the answer replaces the cached group. */
export function useCancelGroup(groupId: string) {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: () => answerOf(api.POST('/api/groups/{id}/cancel', { params: { path: { id: groupId } } })),
    onSuccess: (group) => cache.update<GroupDto>(queryKeys.group(groupId), group),
  });
}
