import { answerOf } from '@gradlab/api-client';
import { act, renderHook, waitFor } from '@testing-library/react';
import { queryKeys } from '../../lib/query-keys';
import { useApiQuery } from '../../lib/use-api-query';
import { harness } from '../../test-support/api-harness';
import { useSignIn, useSignOut } from '../session/use-session';
import { useCreateKey, useCreateTeam, useCreateUser } from './use-settings-writes';

const routes = {
  'GET /api/keys': { status: 200, body: [] },
  'GET /api/teams': { status: 200, body: [] },
  'GET /api/users': { status: 200, body: [] },
  'POST /api/keys': { status: 201, body: { id: 'key-1', key: 'glk_secret' } },
  'POST /api/teams': { status: 201, body: { id: 'team-1', name: 'team-a' } },
  'POST /api/users': { status: 201, body: { id: 'user-2', email: 'b@uni.test' } },
  'POST /api/auth/login': { status: 200, body: { id: 'user-1' } },
  'POST /api/auth/logout': { status: 204, body: undefined },
};

describe('Settings: each write a mutation that has its list read again', () => {
  it('a key, a team and a user, each list read again once its write is done', async () => {
    const { wrapper, calls, bodies } = harness(routes);
    const { result } = renderHook(
      () => ({
        keys: useApiQuery(queryKeys.keys(), (api) => answerOf(api.GET('/api/keys'))),
        teams: useApiQuery(queryKeys.teams(), (api) => answerOf(api.GET('/api/teams'))),
        users: useApiQuery(queryKeys.users(), (api) => answerOf(api.GET('/api/users'))),
        createKey: useCreateKey(),
        createTeam: useCreateTeam(),
        createUser: useCreateUser(),
      }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.users.data).toEqual([]));
    const reads = (path: string) => calls.filter((c) => c === `GET ${path}`).length;
    expect([reads('/api/keys'), reads('/api/teams'), reads('/api/users')]).toEqual([1, 1, 1]);

    await act(async () => {
      expect(await result.current.createKey.mutateAsync({ name: 'laptop' })).toMatchObject({ key: 'glk_secret' });
    });
    await waitFor(() => expect(reads('/api/keys')).toBe(2));
    await act(() => result.current.createTeam.mutateAsync({ name: 'team-a' }));
    await waitFor(() => expect(reads('/api/teams')).toBe(2));
    await act(() => result.current.createUser.mutateAsync({ email: 'b@uni.test', role: 'student', team: 'team-a' }));
    await waitFor(() => expect(reads('/api/users')).toBe(2));
    // each write read only its own list again
    expect([reads('/api/keys'), reads('/api/teams'), reads('/api/users')]).toEqual([2, 2, 2]);
    expect(bodies.filter((b) => b.call.startsWith('POST')).map((b) => b.body)).toEqual([
      { name: 'laptop' },
      { name: 'team-a' },
      { email: 'b@uni.test', role: 'student', team: 'team-a' },
    ]);
  });

  it('signing in and out each ask again who is signed in; a failed sign-in does not', async () => {
    const { wrapper, session } = harness(routes);
    const { result } = renderHook(() => ({ signIn: useSignIn(), signOut: useSignOut() }), { wrapper });
    await act(() => result.current.signIn.mutateAsync({ email: 'a@uni.test', password: 'correct horse' }));
    expect(session.refreshed).toBe(1);
    await act(() => result.current.signOut.mutateAsync());
    expect(session.refreshed).toBe(2);

    const refused = harness({
      'POST /api/auth/login': { status: 401, body: { message: 'wrong email or password', errors: [] } },
    });
    const { result: again } = renderHook(() => useSignIn(), { wrapper: refused.wrapper });
    let failure: unknown;
    await act(() =>
      again.current.mutateAsync({ email: 'a@uni.test', password: 'wrong' }).catch((e: unknown) => (failure = e)),
    );
    expect(failure).toMatchObject({ status: 401, message: 'wrong email or password' });
    expect(refused.session.refreshed).toBe(0);
  });
});
