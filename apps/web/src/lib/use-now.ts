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
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0); // at once after hydration
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}
