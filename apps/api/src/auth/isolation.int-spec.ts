import type { ClientToServerEvents, ServerToClientEvents } from '@gradlab/contracts';
import { QUEUES, redisConnectionFromUrl, SESSION_COOKIE } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { migrateDatabase } from '../database/migrator';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { createStudent, STUDENT_PASSWORD } from '../test-support/create-student';
import { startTestApi, type TestApi } from '../test-support/test-api';

const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
};

describe('teams, keys and isolation (real Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let queue: Queue;
  const prefix = testQueuePrefix();
  const keys: Record<'a1' | 'a2' | 'b1' | 'b2', string> = { a1: '', a2: '', b1: '', b2: '' };
  const sockets: Socket[] = [];

  const call = (key: string | null, method: string, path: string, body?: unknown) =>
    fetch(`${api.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const connect = (auth: Record<string, string>, headers: Record<string, string> = {}) =>
    new Promise<Socket<ServerToClientEvents, ClientToServerEvents>>((resolve, reject) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api.url, {
        transports: ['websocket'],
        auth,
        extraHeaders: headers,
        reconnection: false,
      });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
    keys.a1 = (await createStudent(api, 'team-a', 'a1@uni.test')).key;
    keys.a2 = (await createStudent(api, 'team-a', 'a2@uni.test')).key;
    keys.b1 = (await createStudent(api, 'team-b', 'b1@uni.test')).key;
    keys.b2 = (await createStudent(api, 'team-b', 'b2@uni.test')).key;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api.app.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  it('answers 401 without a key, with a wrong key, and for a worker token on user routes', async () => {
    expect((await call(null, 'GET', '/runs')).status).toBe(401);
    expect((await call('glk_not-a-key', 'GET', '/runs')).status).toBe(401);
    const body = await (await call(null, 'POST', '/runs', { config: smallConfig })).json();
    expect(body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect((await call(null, 'GET', '/health')).status).toBe(200); // public
  });

  it("a team's runs are invisible to the other team on every REST route, and visible to teammates", async () => {
    const run = await (await call(keys.a1, 'POST', '/runs', { name: 'team a run', config: smallConfig })).json();
    expect(run.status).toBe('queued');
    for (const path of [
      `/runs/${run.id}`,
      `/runs/${run.id}/epochs`,
      `/runs/${run.id}/gradient-flow`,
      `/runs/${run.id}/gradient-flow/all`,
    ]) {
      const answer = await call(keys.b1, 'GET', path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect((await answer.json()).message).toBe(`run ${run.id} not found`); // the same words as for a run that does not exist
    }
    expect((await call(keys.b2, 'POST', `/runs/${run.id}/cancel`)).status).toBe(404);
    expect((await (await call(keys.b1, 'GET', '/runs')).json()).items).toEqual([]);
    expect((await call(keys.a2, 'GET', `/runs/${run.id}`)).status).toBe(200);
    expect((await (await call(keys.a2, 'GET', '/runs')).json()).items.map((r: { id: string }) => r.id)).toEqual([
      run.id,
    ]);
    expect((await call(keys.a2, 'POST', `/runs/${run.id}/cancel`)).status).toBe(200);
  });

  it('socket.io: refuses a connection without a key, and a room of another team', async () => {
    await expect(connect({})).rejects.toThrow(/unauthorized/);
    const run = await (await call(keys.a1, 'POST', '/runs', { config: smallConfig })).json();
    const outsider = await connect({ token: keys.b1 });
    expect(await outsider.emitWithAck('subscribe', { runId: run.id })).toEqual({
      ok: false,
      error: `run ${run.id} not found`,
    });
    expect(await outsider.emitWithAck('subscribe.workers')).toEqual({ ok: false, error: 'staff only' });
    const teammate = await connect({ token: keys.a2 });
    expect(await teammate.emitWithAck('subscribe', { runId: run.id })).toEqual({ ok: true });
    const heard: string[] = [];
    teammate.on('run.updated', (r) => heard.push(`a2:${r.status}`));
    outsider.on('run.updated', (r) => heard.push(`b1:${r.status}`));
    await call(keys.a1, 'POST', `/runs/${run.id}/cancel`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toEqual(['a2:cancelled']);
  });

  it('students cannot see workers or manage people; staff can', async () => {
    expect((await call(keys.a1, 'GET', '/workers')).status).toBe(403);
    expect((await call(keys.a1, 'POST', '/teams', { name: 'sneaky' })).status).toBe(403);
    expect((await call(keys.a1, 'POST', '/users', { email: 'x@uni.test', team: 'team-a' })).status).toBe(403);
    expect((await call(api.adminToken, 'GET', '/workers')).status).toBe(200);
    const users = await (await call(api.adminToken, 'GET', '/users')).json();
    expect(users.map((u: { email: string }) => u.email)).toEqual([
      'a1@uni.test',
      'a2@uni.test',
      'admin@gradlab.test',
      'b1@uni.test',
      'b2@uni.test',
    ]);
    const bad = await (
      await call(api.adminToken, 'POST', '/users', { email: 'not an email', team: 'nope', role: 'dean' })
    ).json();
    expect(bad.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'role']);
  });

  it('keys: shown once, stored hashed, listed without the secret, revoked at once', async () => {
    const created = await (await call(keys.a1, 'POST', '/keys', { name: 'laptop' })).json();
    expect(created.key).toMatch(/^glk_/);
    expect(created.prefix).toBe(created.key.slice(0, created.prefix.length));
    const listed = await (await call(keys.a1, 'GET', '/keys')).json();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect((await call(created.key, 'GET', '/runs')).status).toBe(200);
    const socket = await connect({ token: created.key });
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await call(keys.b1, 'DELETE', `/keys/${created.id}`)).status).toBe(404); // not theirs
    expect((await call(keys.a1, 'DELETE', `/keys/${created.id}`)).status).toBe(200);
    expect((await call(created.key, 'GET', '/runs')).status).toBe(401); // at once
    expect(await closed).toBe('io server disconnect'); // and its live connection ends
    await expect(connect({ token: created.key })).rejects.toThrow(/unauthorized/);
    expect(
      (await call(keys.a1, 'POST', '/keys', { name: 'x', userId: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(403);
  });

  it("staff act within their own team; only an admin makes teams or reaches another team's people and keys", async () => {
    const staff = await (
      await call(api.adminToken, 'POST', '/users', { email: 'sa@uni.test', team: 'team-a', role: 'staff' })
    ).json();
    const staffKey = (await (await call(api.adminToken, 'POST', '/keys', { name: 'staff', userId: staff.id })).json())
      .key as string;
    const everyone = (await (await call(api.adminToken, 'GET', '/users')).json()) as {
      id: string;
      email: string;
      team: { name: string };
    }[];
    const b1 = everyone.find((u) => u.email === 'b1@uni.test') as { id: string };
    const a1 = everyone.find((u) => u.email === 'a1@uni.test') as { id: string };
    expect(new Set(everyone.map((u) => u.team.name))).toEqual(new Set(['default', 'team-a', 'team-b'])); // the admin sees all

    const users = (await (await call(staffKey, 'GET', '/users')).json()) as { team: { name: string } }[];
    expect(new Set(users.map((u) => u.team.name))).toEqual(new Set(['team-a']));
    expect(((await (await call(staffKey, 'GET', '/teams')).json()) as { name: string }[]).map((t) => t.name)).toEqual([
      'team-a',
    ]);
    expect((await call(staffKey, 'POST', '/teams', { name: 'team-s' })).status).toBe(403);
    const otherTeamUser = await call(staffKey, 'POST', '/users', {
      email: 'sx@uni.test',
      team: 'team-b',
      role: 'student',
    });
    expect([otherTeamUser.status, (await otherTeamUser.json()).errors[0].field]).toEqual([400, 'team']);
    expect(
      (await call(staffKey, 'POST', '/users', { email: 'sy@uni.test', team: 'team-a', role: 'admin' })).status,
    ).toBe(403);
    // A key for another team's user: that user does not exist for this staff member.
    const foreignKey = await call(staffKey, 'POST', '/keys', { name: 'x', userId: b1.id });
    expect([foreignKey.status, (await foreignKey.json()).errors[0]]).toEqual([
      400,
      { field: 'userId', message: 'no such user' },
    ]);
    expect((await call(staffKey, 'POST', '/keys', { name: 'for a1', userId: a1.id })).status).toBe(201);
    const keysSeen = (await (await call(staffKey, 'GET', '/keys')).json()) as { userId: string }[];
    expect(keysSeen.some((k) => k.userId === b1.id)).toBe(false);
    const b1Keys = (await (await call(api.adminToken, 'GET', '/keys')).json()) as { id: string; userId: string }[];
    const b1Key = b1Keys.find((k) => k.userId === b1.id) as { id: string };
    expect((await call(staffKey, 'DELETE', `/keys/${b1Key.id}`)).status).toBe(404);
    expect((await call(keys.b1, 'GET', '/runs')).status).toBe(200); // still valid
  });

  it("staff see their own team in the cohort and the workers' runs, and cannot tell whether another team's email is taken", async () => {
    const staff = await (
      await call(api.adminToken, 'POST', '/users', { email: 'sb@uni.test', team: 'team-b', role: 'staff' })
    ).json();
    const staffKey = (await (await call(api.adminToken, 'POST', '/keys', { name: 'staff b', userId: staff.id })).json())
      .key as string;
    const teamsIn = async (key: string) =>
      ((await (await call(key, 'GET', '/cohort')).json()) as { teams: { name: string }[] }).teams.map((t) => t.name);
    expect(await teamsIn(staffKey)).toEqual(['team-b']);
    expect(await teamsIn(api.adminToken)).toEqual(['default', 'team-a', 'team-b']);
    const emails = (
      (await (await call(staffKey, 'GET', '/cohort')).json()) as { teams: { members: { email: string }[] }[] }
    ).teams.flatMap((t) => t.members.map((m) => m.email));
    expect(emails.sort()).toEqual(['b1@uni.test', 'b2@uni.test', 'sb@uni.test']);

    // A worker on team a's run: team b's staff see the worker, not the run.
    const runA = await (await call(keys.a1, 'POST', '/runs', { name: 'on a worker', config: smallConfig })).json();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `INSERT INTO "Worker" (id, host, backend, "currentRunId", "lastHeartbeatAt") VALUES ('w-isolation', 'h', 'wasm', $1, now())`,
      [runA.id],
    );
    await client.end();
    const runOf = async (key: string) =>
      (
        (await (await call(key, 'GET', '/workers')).json()) as {
          workers: { id: string; currentRunId: string | null }[];
        }
      ).workers.find((w) => w.id === 'w-isolation')?.currentRunId;
    expect(await runOf(staffKey)).toBeNull();
    expect(await runOf(api.adminToken)).toBe(runA.id);
    const graphql = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staffKey}` },
      body: JSON.stringify({ query: '{ workers { workers { id currentRunId } } }' }),
    });
    expect(
      (await graphql.json()).data.workers.workers.find((w: { id: string }) => w.id === 'w-isolation').currentRunId,
    ).toBeNull();
    await call(keys.a1, 'POST', `/runs/${runA.id}/cancel`);

    // An email taken in team a, in any case, answers as a free one does; nothing is stored for it.
    const add = (email: string) => call(staffKey, 'POST', '/users', { email, team: 'team-b', role: 'student' });
    const taken = await add('A1@Uni.Test');
    const free = await add('fresh-b@uni.test');
    const [takenBody, freeBody] = [await taken.json(), await free.json()];
    expect([taken.status, Object.keys(takenBody).sort()]).toEqual([free.status, Object.keys(freeBody).sort()]);
    expect([takenBody.email, takenBody.team.name]).toEqual(['a1@uni.test', 'team-b']);
    const everyone = (await (await call(api.adminToken, 'GET', '/users')).json()) as {
      email: string;
      team: { name: string };
    }[];
    expect(everyone.filter((u) => u.email === 'a1@uni.test').map((u) => u.team.name)).toEqual(['team-a']);
    // Taken in one's own team (which staff can list anyway), or asked by the admin: a plain conflict.
    expect((await add('B1@uni.test')).status).toBe(409);
    expect((await call(api.adminToken, 'POST', '/users', { email: 'a1@uni.test', team: 'team-b' })).status).toBe(409);
  });

  it('dashboard sign-in: a wrong password is refused; the right one sets an httpOnly session cookie', async () => {
    expect(
      (await call(null, 'POST', '/auth/login', { email: 'a1@uni.test', password: 'wrong password!' })).status,
    ).toBe(401);
    expect(
      (await call(null, 'POST', '/auth/login', { email: 'nobody@uni.test', password: 'wrong password!' })).status,
    ).toBe(401);
    const login = await call(null, 'POST', '/auth/login', { email: 'A1@uni.test', password: STUDENT_PASSWORD });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = cookie.split(';')[0];
    const me = await fetch(`${api.url}/api/auth/me`, { headers: { cookie: session } });
    expect(await me.json()).toMatchObject({ email: 'a1@uni.test', role: 'student', team: { name: 'team-a' } });
    const socket = await connect({}, { cookie: session });
    expect(socket.connected).toBe(true);
    expect(await (await fetch(`${api.url}/api/auth/session`, { headers: { cookie: session } })).json()).toMatchObject({
      user: { email: 'a1@uni.test' },
    });
    await fetch(`${api.url}/api/auth/logout`, { method: 'POST', headers: { cookie: session } });
    expect((await fetch(`${api.url}/api/auth/me`, { headers: { cookie: session } })).status).toBe(401);
    // Signed out is no error for the dashboard's session check; a malformed cookie is ignored, not a 500.
    const signedOut = await fetch(`${api.url}/api/auth/session`, { headers: { cookie: `${SESSION_COOKIE}=%` } });
    expect([signedOut.status, await signedOut.json()]).toEqual([200, { user: null }]);
    expect((await fetch(`${api.url}/api/runs`, { headers: { cookie: `${SESSION_COOKIE}=%E0%A4%A` } })).status).toBe(
      401,
    );
  });

  it("only the dashboard's own origins may call with the session cookie (CORS and socket.io)", async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/runs`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000']) {
      const allowed = await preflight(origin);
      expect([
        allowed.headers.get('access-control-allow-origin'),
        allowed.headers.get('access-control-allow-credentials'),
      ]).toEqual([origin, 'true']);
    }
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await fetch(`${api.url}/api/health`, { headers: { origin: 'http://evil.example' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
    // A browser's WebSocket ignores CORS, so the socket checks the Origin itself; clients outside a browser send none.
    await expect(connect({ token: keys.a1 }, { origin: 'http://evil.example' })).rejects.toThrow();
    expect((await connect({ token: keys.a1 }, { origin: 'http://localhost:3000' })).connected).toBe(true);
  });

  it('slows password guessing: after 5 wrong passwords an account waits, longer each time; a right one clears it', async () => {
    await call(api.adminToken, 'POST', '/users', {
      email: 'guess@uni.test',
      team: 'team-a',
      role: 'student',
      password: 'the right passphrase',
    });
    const login = (password: string) => call(null, 'POST', '/auth/login', { email: 'Guess@uni.test', password });
    for (let i = 0; i < 5; i++) expect((await login('wrong password!')).status).toBe(401);
    expect((await login('wrong password!')).status).toBe(401); // the 6th is checked, then the account waits 1 s
    const refused = await login('the right passphrase'); // even the right one, while it waits
    expect([refused.status, (await refused.json()).code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login('wrong password!')).status).toBe(401); // now 2 s
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login('the right passphrase')).status).toBe(429); // still waiting: the wait grew
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await login('the right passphrase')).status).toBe(200);
    expect((await login('wrong password!')).status).toBe(401); // cleared: free tries again
    expect((await login('wrong password!')).status).toBe(401);
  });

  it('rejects a body over the size limit with 413 and a message', async () => {
    const response = await call(keys.a1, 'POST', '/runs', { name: 'x'.repeat(2 * 1024 * 1024), config: smallConfig });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('submission limits (real Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const prefix = testQueuePrefix();

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      SUBMIT_RATE_LIMIT: '3',
      SUBMIT_RATE_LIMIT_TEAM: '12',
      MAX_QUEUED_RUNS_PER_TEAM: '2',
      LOGIN_FAILURES_PER_IP: '3',
    });
  });
  afterAll(async () => {
    await api.app.close();
    const queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  /** Rate limits count in fixed one-minute windows: a test that fills one starts well inside it. */
  const awayFromMinuteBoundary = async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
  };

  it("caps a team's queued runs, then rate-limits a user's submissions across their keys, each with a status and a message", async () => {
    await awayFromMinuteBoundary();
    const student = await createStudent(api, 'team-c', 'c1@uni.test');
    const submit = () =>
      fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${student.key}` },
        body: JSON.stringify({ config: smallConfig }),
      });
    expect((await submit()).status).toBe(201);
    expect((await submit()).status).toBe(201);
    const full = await submit();
    expect(full.status).toBe(429);
    expect(await full.json()).toMatchObject({
      code: 'QUEUE_FULL',
      message: expect.stringContaining('team team-c already has 2 runs waiting'),
    });
    const limited = await submit();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key of the same user: the same limit.
    const secondKey = (
      await (
        await fetch(`${api.url}/api/keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${student.key}` },
          body: JSON.stringify({ name: 'second' }),
        })
      ).json()
    ).key;
    const viaSecond = await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secondKey}` },
      body: JSON.stringify({ config: smallConfig }),
    });
    expect([viaSecond.status, (await viaSecond.json()).message]).toEqual([429, expect.stringContaining('per user')]);
  });

  it("holds the queue cap under concurrent submissions, and limits a team's submissions per minute", async () => {
    const students = await Promise.all([1, 2, 3, 4, 5].map((i) => createStudent(api, 'team-d', `d${i}@uni.test`)));
    await awayFromMinuteBoundary();
    const submit = (key: string) =>
      fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ config: smallConfig }),
      });
    const answers = await Promise.all(students.flatMap((student) => [submit(student.key), submit(student.key)]));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429, 429, 429, 429, 429, 429, 429]); // the cap is 2, however the 10 race
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM "Run" r JOIN "Team" t ON t.id = r."teamId" WHERE t.name = 'team-d' AND r.status = 'queued'`,
    );
    await client.end();
    expect(rows[0].n).toBe(2);
    // 10 of the team's 12 a minute are spent: the 13th submission is refused for the team, whoever sends it.
    expect((await submit(students[0].key)).status).toBe(429);
    expect((await submit(students[1].key)).status).toBe(429);
    const overTeam = await submit(students[2].key);
    expect([overTeam.status, (await overTeam.json()).message]).toEqual([
      429,
      expect.stringContaining('for team team-d'),
    ]);
  });

  it('refuses an address after LOGIN_FAILURES_PER_IP failed sign-ins, whichever accounts they tried', async () => {
    const login = (email: string) =>
      fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'not the password' }),
      });
    for (const email of ['x1@uni.test', 'x2@uni.test', 'x3@uni.test']) expect((await login(email)).status).toBe(401);
    const refused = await login('x4@uni.test');
    expect([refused.status, (await refused.json()).message]).toEqual([
      429,
      expect.stringContaining('from this address'),
    ]);
  });
});

describe('sign-in limits under parallel attempts (real Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const prefix = testQueuePrefix();
  const login = (email: string, password: string) =>
    fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  const statuses = async (answers: Promise<Response>[]) => {
    const counted: Record<number, number> = {};
    for (const answer of await Promise.all(answers)) counted[answer.status] = (counted[answer.status] ?? 0) + 1;
    return counted;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, LOGIN_FAILURES_PER_IP: '20' });
    await createStudent(api, 'team-p', 'parallel@uni.test');
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it('checks only the free tries and one more when 40 wrong passwords for one account arrive at once', async () => {
    // Each 401 is a password checked; a 429 checked none. Counted before checking, 40 at once cannot all pass.
    expect(await statuses(Array.from({ length: 40 }, () => login('parallel@uni.test', 'not the password')))).toEqual({
      401: 6,
      429: 34,
    });
  });

  it("holds an address's limit when 40 sign-ins for different accounts arrive at once", async () => {
    // The address has 6 failures from the test above; its limit is 20.
    expect(
      await statuses(Array.from({ length: 40 }, (_, i) => login(`nobody-${i}@uni.test`, 'not the password'))),
    ).toEqual({ 401: 14, 429: 26 });
  });
});
