'use client';

import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError, ApiUnreachableError, apiFetch } from './api-client';
import { useApi } from './api-context';

const RETRY_MS = 3000;

export interface ApiResource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Live events change the loaded data in place instead of refetching it. */
  setData: Dispatch<SetStateAction<T | undefined>>;
  reload(): void;
}

/**
 * Loads from the api once the reader is signed in, again whenever the api comes back after an outage, and
 * retries on its own while the api cannot be reached. `key` changes when what to load changes.
 */
export function useApiResource<T>(key: string | null, load: (fetchJson: <R>(path: string) => Promise<R>) => Promise<T>, initial?: T): ApiResource<T> {
  const { apiUrl, me, generation, reportUnreachable, reportReachable, reportSignedOut } = useApi();
  // Nothing is asked before the session is known: a signed-out visitor goes to sign in without a 401.
  const signedInAs = me?.id ?? null;
  const [data, setData] = useState<T | undefined>(initial);
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(key !== null && initial === undefined);
  const [attempt, setAttempt] = useState(0);
  // The latest loader, updated before the loading effect below runs (effects run in order).
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    if (key === null || signedInAs === null) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the request starts here: loading until it ends
    setLoading(true);
    loadRef
      .current(<R>(path: string) => apiFetch<R>(apiUrl, path))
      .then((value) => {
        if (cancelled) return;
        setData(value);
        setError(undefined);
        reportReachable();
      })
      .catch((e: Error) => {
        if (cancelled) return;
        setError(e);
        if (e instanceof ApiError && e.status === 401) reportSignedOut();
        if (e instanceof ApiUnreachableError) {
          reportUnreachable();
          retry = setTimeout(() => setAttempt((a) => a + 1), RETRY_MS);
        }
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, [key, apiUrl, signedInAs, generation, attempt, reportReachable, reportUnreachable, reportSignedOut]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  return { data, error, loading, setData, reload };
}
