'use client';

import type { ClientToServerEvents, ServerToClientEvents, SignedInUserDto } from '@gradlab/contracts';
import { QueryClientProvider } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { ApiError, answerOf, createApiClient, type GradlabApi } from '@gradlab/api-client';
import { makeQueryClient } from './query-client';

export type GradlabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Me = SignedInUserDto;

export interface ApiContextValue {
  apiUrl: string;
  /** The REST api as this browser reaches it, with the session cookie. */
  api: GradlabApi;
  socket: GradlabSocket | null;
  /** The signed-in user; null before it is known or when signed out. */
  me: Me | null;
  /** False once a request or the socket found the api down; true again when either gets through. */
  reachable: boolean;
  reportUnreachable(): void;
  reportReachable(): void;
  /** A 401: off to the sign-in page, back here afterwards. */
  reportSignedOut(): void;
  /** After sign-in or sign-out: learn who we are again, and reconnect the socket as them. */
  refreshMe(): Promise<Me | null>;
  retryNow(): void;
}

/** Provided by ApiProvider; exported so that the hooks' tests can provide a context of their own. */
export const ApiContext = createContext<ApiContextValue | null>(null);
const PUBLIC_PATHS = ['/login'];

/**
 * One socket.io connection per tab, reconnecting by itself, and the tab's query cache (use-api-query.ts). The api's address as this browser reaches it
 * comes from the server (layout.tsx), so what the server renders and what the browser renders agree.
 */
export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const router = useRouter();
  const [socket, setSocket] = useState<GradlabSocket | null>(null);
  const [me, setMe] = useState<Me | null>(null);
  const [reachable, setReachable] = useState(true);
  const [queryClient] = useState(makeQueryClient);
  const api = useMemo(() => createApiClient({ baseUrl: apiUrl, credentials: 'include' }), [apiUrl]);

  const reportSignedOut = useCallback(() => {
    setMe(null);
    if (!PUBLIC_PATHS.includes(window.location.pathname))
      router.replace(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }, [router]);

  const refreshMe = useCallback(async () => {
    try {
      const { user } = await answerOf(api.GET('/api/auth/session'));
      setMe(user);
      setReachable(true);
      if (!user) reportSignedOut();
      return user;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) reportSignedOut();
      else setReachable(false);
      return null;
    }
  }, [api, reportSignedOut]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- asks the api who is signed in; state is set when it answers
    void refreshMe();
  }, [refreshMe]);

  // Not signed in because the api is down: keep asking.
  useEffect(() => {
    if (me || reachable) return;
    const timer = setTimeout(() => void refreshMe(), 3000);
    return () => clearTimeout(timer);
  }, [me, reachable, refreshMe]);

  // The socket signs in with the same session cookie, so it is (re)made for each signed-in user.
  const signedInId = me?.id;
  useEffect(() => {
    if (!signedInId) return;
    const s: GradlabSocket = io(apiUrl, {
      transports: ['websocket'],
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    let wasConnected = false;
    s.on('connect', () => {
      setReachable(true);
      // Back after a restart: events were missed, so every page reloads what it shows.
      if (wasConnected) void queryClient.invalidateQueries();
      wasConnected = true;
    });
    s.on('disconnect', () => setReachable(false));
    s.on('connect_error', (error) =>
      error.message.startsWith('unauthorized') ? reportSignedOut() : setReachable(false),
    );
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the socket is made here, client-side only, once per user
    setSocket(s);
    return () => {
      s.disconnect();
      setSocket(null);
    };
  }, [apiUrl, signedInId, reportSignedOut, queryClient]);

  const reportUnreachable = useCallback(() => setReachable(false), []);
  const reportReachable = useCallback(() => setReachable(true), []);
  const retryNow = useCallback(() => {
    if (socket && !socket.connected) socket.connect();
    if (!me) void refreshMe();
    void queryClient.invalidateQueries();
  }, [socket, me, refreshMe, queryClient]);

  const value = useMemo(
    () => ({
      apiUrl,
      api,
      socket,
      me,
      reachable,
      reportUnreachable,
      reportReachable,
      reportSignedOut,
      refreshMe,
      retryNow,
    }),
    [apiUrl, api, socket, me, reachable, reportUnreachable, reportReachable, reportSignedOut, refreshMe, retryNow],
  );
  return (
    <ApiContext.Provider value={value}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}
