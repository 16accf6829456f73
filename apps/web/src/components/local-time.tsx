'use client';

import { useSyncExternalStore } from 'react';
import { formatTime } from '../lib/format';

const noSubscription = () => () => undefined;

/**
 * A moment in the reader's own time zone and locale. It is formatted in the browser only: the server knows
 * neither, and text that differs between server and browser is a hydration error (React #418).
 */
export function LocalTime({ iso }: { iso: string | null }) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!iso) return <>–</>;
  return (
    <time dateTime={iso} title={iso}>
      {inBrowser ? formatTime(iso) : ''}
    </time>
  );
}
