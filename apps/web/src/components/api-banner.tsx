'use client';

import { useApi } from '../lib/api-context';

/** Shown whenever the api cannot be reached: the page keeps what it had and retries by itself. */
export function ApiBanner() {
  const { reachable, apiUrl, retryNow } = useApi();
  if (reachable) return null;
  return (
    <div className="banner" role="alert" data-testid="api-banner">
      <strong>The gradlab api at {apiUrl} cannot be reached.</strong> Retrying by itself; what you see may be out of
      date.
      <button type="button" onClick={retryNow}>
        Retry now
      </button>
    </div>
  );
}
