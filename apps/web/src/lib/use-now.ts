'use client';

import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs`, for durations and "seconds ago" that keep moving. Null
 * while the page is rendered on the server and hydrated: the server's clock and the browser's differ, and
 * text that differs between the two is a hydration error.
 */
export function useNow(intervalMs: number): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
