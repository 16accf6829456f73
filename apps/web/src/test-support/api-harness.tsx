import { EventEmitter } from 'node:events';
import type { GradlabApi } from '@gradlab/api-client';
import { QueryClientProvider } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ApiContext, type ApiContextValue, type GradlabSocket } from '../lib/api-context';
import { makeQueryClient } from '../lib/query-client';

/**
 * The api as the hooks see it, answering from `routes` ("METHOD /path" to a status and body), and a socket
 * that the test makes speak. The hooks' own logic runs for real: the query cache, live events, mutations.
 */
export function harness(routes: Record<string, { status: number; body: unknown }>) {
  const calls: string[] = [];
  /** How often the hooks asked who is signed in (after signing in or out). */
  const session = { refreshed: 0 };
  /** Each request's body, in order, by "METHOD /path". */
  const bodies: { call: string; body: unknown }[] = [];
  /** Each request's query string, in order, by "METHOD /path". */
  const queries: { call: string; query: unknown }[] = [];
  const answer = (method: string) => (path: string, options?: { body?: unknown; params?: { query?: unknown } }) => {
    calls.push(`${method} ${path}`);
    bodies.push({ call: `${method} ${path}`, body: options?.body });
    queries.push({ call: `${method} ${path}`, query: options?.params?.query });
    const route = routes[`${method} ${path}`];
    if (!route) throw new Error(`no route ${method} ${path}`);
    const ok = route.status < 400;
    return Promise.resolve({
      data: ok ? route.body : undefined,
      error: ok ? undefined : route.body,
      response: { ok, status: route.status },
    });
  };
  const api = { GET: answer('GET'), POST: answer('POST') } as unknown as GradlabApi;
  const socket = Object.assign(new EventEmitter(), { connected: true, emit: () => true }) as unknown as GradlabSocket &
    EventEmitter;
  const value = {
    apiUrl: 'http://api.test',
    api,
    socket,
    me: { id: 'user-1', email: 'a@uni.test', role: 'student', team: { id: 't', name: 't' } },
    reachable: true,
    reportUnreachable: () => undefined,
    reportReachable: () => undefined,
    reportSignedOut: () => undefined,
    refreshMe: async () => {
      session.refreshed += 1;
      return null;
    },
    retryNow: () => undefined,
  } as unknown as ApiContextValue;
  const queryClient = makeQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ApiContext.Provider value={value}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
  /** A server event, as socket.io delivers it to the listeners. */
  const serverSends = (event: string, payload: unknown) =>
    act(() => void EventEmitter.prototype.emit.call(socket, event, payload));
  return { wrapper, calls, bodies, queries, session, serverSends };
}
