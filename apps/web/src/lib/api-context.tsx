'use client';

import type { ClientToServerEvents, ServerToClientEvents } from '@gradlab/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';

export type GradlabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface ApiContextValue {
  apiUrl: string;
  socket: GradlabSocket | null;
  /** False once a request or the socket found the api down; true again when either gets through. */
  reachable: boolean;
  /** Grows each time the api comes back: pages reload their data when it changes. */
  generation: number;
  reportUnreachable(): void;
  reportReachable(): void;
  retryNow(): void;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** One socket.io connection per tab, reconnecting by itself; the api's address comes from the server. */
export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [socket, setSocket] = useState<GradlabSocket | null>(null);
  const [reachable, setReachable] = useState(true);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const s: GradlabSocket = io(apiUrl, { transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    let wasConnected = false;
    s.on('connect', () => {
      setReachable(true);
      // Back after a restart: events were missed, so every page reloads what it shows.
      if (wasConnected) setGeneration((g) => g + 1);
      wasConnected = true;
    });
    s.on('disconnect', () => setReachable(false));
    s.on('connect_error', () => setReachable(false));
    setSocket(s);
    return () => {
      s.disconnect();
    };
  }, [apiUrl]);

  const reportUnreachable = useCallback(() => setReachable(false), []);
  const reportReachable = useCallback(() => setReachable(true), []);
  const retryNow = useCallback(() => {
    if (socket && !socket.connected) socket.connect();
    setGeneration((g) => g + 1);
  }, [socket]);

  const value = useMemo(
    () => ({ apiUrl, socket, reachable, generation, reportUnreachable, reportReachable, retryNow }),
    [apiUrl, socket, reachable, generation, reportUnreachable, reportReachable, retryNow],
  );
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}
