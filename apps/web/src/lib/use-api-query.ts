'use client';

import { keepPreviousData, useQuery, useQueryClient, type Updater } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { ApiError, ApiUnreachableError, type GradlabApi } from '@gradlab/api-client';
import { useApi } from './api-context';

export interface ApiQuery<T> {
  data: T | undefined;
  /** The last failure, also while a read that found the api down is being retried. */
  error: Error | undefined;
  /** Live events change the cached data in place instead of refetching it. */
  setData(updater: Updater<T | undefined, T | undefined>): void;
  reload(): void;
}

/**
 * One api read through the query cache. `key` names what is read (null: nothing yet); the signed-in user
 * is part of the cache key, and nothing is asked before the session is known, so a signed-out visitor goes
 * to sign in without a 401. The previous answer stays on screen while a changed key loads.
 */
export function useApiQuery<T>(
  key: string | null,
  load: (api: GradlabApi) => Promise<T>,
  options: { refetchIntervalMs?: number } = {},
): ApiQuery<T> {
  const { api, me, reportUnreachable, reportReachable, reportSignedOut } = useApi();
  const queryClient = useQueryClient();
  const signedInAs = me?.id ?? null;
  const queryKey = useMemo(() => ['api', key, signedInAs], [key, signedInAs]);
  const query = useQuery({
    queryKey,
    queryFn: async () => {
      try {
        const value = await load(api);
        reportReachable();
        return value;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) reportSignedOut();
        if (e instanceof ApiUnreachableError) reportUnreachable();
        throw e;
      }
    },
    enabled: key !== null && signedInAs !== null,
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchIntervalMs,
  });
  const setData = useCallback(
    (updater: Updater<T | undefined, T | undefined>) => queryClient.setQueryData<T>(queryKey, updater),
    [queryClient, queryKey],
  );
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error: query.error ?? query.failureReason ?? undefined, setData, reload };
}
