'use client';

import { keepPreviousData, useQuery, useQueryClient, type Updater } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { ApiError, ApiUnreachableError, type GradlabApi } from '@gradlab/api-client';
import { useApi } from './api-context';
import type { ApiQueryKey } from './query-keys';

export interface ApiQuery<T> {
  data: T | undefined;
  /** The last failure, also while a read that found the api down is being retried. */
  error: Error | undefined;
  /** Live events change the cached data in place instead of refetching it. */
  setData(updater: Updater<T | undefined, T | undefined>): void;
  reload(): void;
}

/**
 * One api read through the query cache. `key` names what is read (query-keys.ts; null: nothing yet); the
 * signed-in user is part of the cache key, and nothing is asked before the session is known, so a signed-out visitor goes
 * to sign in without a 401. The previous answer stays on screen while a changed key loads.
 */
export function useApiQuery<T>(
  key: ApiQueryKey | null,
  load: (api: GradlabApi) => Promise<T>,
  options: { refetchIntervalMs?: number } = {},
): ApiQuery<T> {
  const { api, me, reportUnreachable, reportReachable, reportSignedOut } = useApi();
  const queryClient = useQueryClient();
  const signedInAs = me?.id ?? null;
  // A key is built anew on every render: its contents, not its identity, say when it changed.
  const keyText = JSON.stringify(key);
  const queryKey = useMemo(
    () => cacheKey(signedInAs, (JSON.parse(keyText) as ApiQueryKey | null) ?? []),
    [keyText, signedInAs],
  );
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

/** Where a read is cached: per signed-in user, so another user never sees a previous user's answers. */
function cacheKey(signedInAs: string | null, key: ApiQueryKey): readonly unknown[] {
  return ['api', signedInAs, ...key];
}

/** The query cache as mutations change it: a cancelled run replaces the cached run, a new key reloads the list. */
export function useApiCache() {
  const { me } = useApi();
  const queryClient = useQueryClient();
  const signedInAs = me?.id ?? null;
  return useMemo(
    () => ({
      update<T>(key: ApiQueryKey, updater: Updater<T | undefined, T | undefined>): void {
        queryClient.setQueryData<T>(cacheKey(signedInAs, key), updater);
      },
      reload(key: ApiQueryKey): void {
        void queryClient.invalidateQueries({ queryKey: cacheKey(signedInAs, key) });
      },
    }),
    [queryClient, signedInAs],
  );
}
