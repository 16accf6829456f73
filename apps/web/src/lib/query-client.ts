import { QueryClient } from '@tanstack/react-query';
import { ApiUnreachableError } from '@gradlab/api-client';

/** While the api cannot be reached, a read is asked again this often, for as long as it takes. */
export const UNREACHABLE_RETRY_MS = 3000;

/**
 * The dashboard's cache of api reads. A read that the api answered (a 404, a 403) is not asked again: the
 * answer will not change by asking. One that found the api down is retried until the api is back. Shown
 * data is kept current by socket events and refetched after every reconnect (api-context.tsx), not on
 * window focus.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (_failures, error) => error instanceof ApiUnreachableError,
        retryDelay: UNREACHABLE_RETRY_MS,
        refetchOnWindowFocus: false,
        // The api is on another origin; whether the browser thinks it is online says nothing about it.
        networkMode: 'always',
      },
    },
  });
}
