'use client';

import type { ServerToClientEvents } from '@gradlab/contracts';
import { useEffect, useRef } from 'react';
import { useApi } from './api-context';

type Handlers = Partial<ServerToClientEvents>;

/**
 * Joins the rooms of the given runs (and the workers room when asked), again after every reconnect, and
 * routes their events to the handlers.
 */
export function useSocketEvents(options: { runIds?: string[]; workers?: boolean }, handlers: Handlers): void {
  const { socket } = useApi();
  // The latest handlers, for listeners registered once per socket and rooms.
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });
  const runKey = (options.runIds ?? []).join(',');
  const workers = options.workers ?? false;

  useEffect(() => {
    if (!socket) return;
    const runIds = runKey ? runKey.split(',') : [];
    const join = () => {
      for (const runId of runIds) socket.emit('subscribe', { runId });
      if (workers) socket.emit('subscribe.workers');
    };
    if (socket.connected) join();
    socket.on('connect', join);
    const names = ['run.updated', 'epoch.completed', 'run.progress', 'run.diagnosis', 'workers.updated'] as const;
    const listeners = names.map((name) => {
      const listener = (...args: unknown[]) =>
        (handlersRef.current[name] as ((...a: unknown[]) => void) | undefined)?.(...args);
      socket.on(name, listener as never);
      return [name, listener] as const;
    });
    return () => {
      socket.off('connect', join);
      for (const [name, listener] of listeners) socket.off(name, listener as never);
      for (const runId of runIds) socket.emit('unsubscribe', { runId });
    };
  }, [socket, runKey, workers]);
}
