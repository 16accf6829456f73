import { QUEUES, redisConnectionFromUrl } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { getIntrospectionQuery } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { migrateDatabase } from '../database/migrator';
import { RunRepository } from '../runs/run.repository';
import { RunEventsService } from '../run-events/run-events.service';
import { epochCompletedEvent, layerStat } from '../test-support/run-event-builders';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { createStudent } from '../test-support/create-student';
import { startTestApi, type TestApi } from '../test-support/test-api';

const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
};

interface GqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

describe('GraphQL at /graphql (real Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const prefix = testQueuePrefix();
  const keys = { a1: '', a2: '', b1: '' };
  const clients: Client[] = [];

  const gql = async (
    key: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlAnswer & { status: number }> => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as GqlAnswer) };
  };
  const submit = async (key: string, name: string) => {
    const answer = await gql(key, 'mutation($input: SubmitRunInput!) { submitRun(input: $input) { id name status } }', {
      input: { name, config: smallConfig },
    });
    return (answer.data?.submitRun as { id: string }).id;
  };
  const wsClient = (connectionParams: Record<string, string>) => {
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    keys.a1 = (await createStudent(api, 'team-a', 'a1@uni.test')).key;
    keys.a2 = (await createStudent(api, 'team-a', 'a2@uni.test')).key;
    keys.b1 = (await createStudent(api, 'team-b', 'b1@uni.test')).key;
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await api.app.close();
    const queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  it('answers 401 without a key', async () => {
    const answer = await gql(null, '{ runs { totalCount } }');
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('submitRun applies the REST contract, with field errors in extensions', async () => {
    const answer = await gql(
      keys.a1,
      'mutation { submitRun(input: { config: { model: { numFilters: 0 }, training: { batchSize: "big" } } }) { id } }',
    );
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const fields = (answer.errors?.[0].extensions.fieldErrors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['config.model.numFilters', 'config.training.batchSize']);
  });

  it("another team's run does not exist for queries and mutations; teammates see it with its epochs", async () => {
    const id = await submit(keys.a1, 'team a graphql run');
    const query = 'query($id: ID!) { run(id: $id) { id name status epochs { epoch } gradientFlow { epoch } } }';
    expect((await gql(keys.b1, query, { id })).data).toEqual({ run: null });
    expect((await gql(keys.b1, '{ runs { totalCount items { id } } }')).data).toEqual({
      runs: { totalCount: 0, items: [] },
    });
    const cancel = await gql(keys.b1, 'mutation($id: ID!) { cancelRun(id: $id) { status } }', { id });
    expect(cancel.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await gql(keys.a2, query, { id })).data).toEqual({
      run: { id, name: 'team a graphql run', status: 'queued', epochs: [], gradientFlow: null },
    });
  });

  it('pages runs with a cursor and filters them', async () => {
    for (const name of ['p1', 'p2', 'p3']) await submit(keys.b1, name);
    const page =
      'query($after: String) { runs(first: 2, after: $after, filter: { status: queued }) { totalCount hasNextPage endCursor items { name } } }';
    const first = (await gql(keys.b1, page)).data?.runs as {
      totalCount: number;
      hasNextPage: boolean;
      endCursor: string;
      items: { name: string }[];
    };
    expect(first).toMatchObject({ totalCount: 3, hasNextPage: true, items: [{ name: 'p3' }, { name: 'p2' }] });
    const second = (await gql(keys.b1, page, { after: first.endCursor })).data?.runs;
    expect(second).toMatchObject({ hasNextPage: false, items: [{ name: 'p1' }] });
    expect((await gql(keys.b1, '{ runs(filter: { q: "P2" }) { items { name } } }')).data).toEqual({
      runs: { items: [{ name: 'p2' }] },
    });
    expect(
      (await gql(keys.b1, '{ runs(after: "garbage") { totalCount } }')).errors?.[0].extensions.fieldErrors,
    ).toEqual([{ field: 'after', message: 'not a cursor this api gave out' }]);
  });

  it("loads a page's epochs and gradient flow in one batch for all its runs, each run's own", async () => {
    const key = (await createStudent(api, 'team-batch', 'batch@uni.test')).key;
    const ids = [await submit(key, 'batch 0'), await submit(key, 'batch 1'), await submit(key, 'batch 2')];
    const events = api.app.get(RunEventsService);
    // Run i has i + 1 epochs.
    for (const [i, runId] of ids.entries())
      for (let epoch = 0; epoch <= i; epoch++) {
        // Every layer's meanAbs names its run and epoch.
        const layers = [0, 1].map((layerIndex) => layerStat(layerIndex, { meanAbs: i + epoch / 10 }));
        await events.epochCompleted(epochCompletedEvent(runId, epoch, { layers }));
      }
    const epochsOfRuns = jest.spyOn(RunRepository.prototype, 'epochsOfRuns');
    const gradientFlowOfRuns = jest.spyOn(RunRepository.prototype, 'gradientFlowOfRuns');
    try {
      const query =
        '{ runs(first: 10) { items { id epochs { epoch } latest: gradientFlow { epoch layers { meanAbs } } first: gradientFlow(epoch: 0) { epoch } } } }';
      const { data } = await gql(key, query);
      const items = (
        data?.runs as {
          items: {
            id: string;
            epochs: { epoch: number }[];
            latest: { epoch: number; layers: { meanAbs: number }[] };
            first: { epoch: number };
          }[];
        }
      ).items;
      for (const [i, id] of ids.entries()) {
        const item = items.find((run) => run.id === id);
        expect(item?.epochs.map((e) => e.epoch)).toEqual([...Array(i + 1).keys()]);
        expect(item?.latest).toEqual({ epoch: i, layers: [{ meanAbs: i + i / 10 }, { meanAbs: i + i / 10 }] });
        expect(item?.first).toEqual({ epoch: 0 });
      }
      expect(epochsOfRuns).toHaveBeenCalledTimes(1);
      expect(epochsOfRuns.mock.calls[0][0]).toHaveLength(3);
      expect(gradientFlowOfRuns).toHaveBeenCalledTimes(1); // latest and epoch 0 of the three runs together
      expect(gradientFlowOfRuns.mock.calls[0][0]).toHaveLength(6);
      // An epoch no run has is null, and one out of range is named.
      expect((await gql(key, `{ run(id: "${ids[0]}") { gradientFlow(epoch: 5) { epoch } } }`)).data).toEqual({
        run: { gradientFlow: null },
      });
      expect(
        (await gql(key, `{ run(id: "${ids[0]}") { gradientFlow(epoch: -1) { epoch } } }`)).errors?.[0].extensions
          .fieldErrors,
      ).toEqual([{ field: 'epoch', message: 'must be an integer from 0 to 2147483647' }]);
    } finally {
      epochsOfRuns.mockRestore();
      gradientFlowOfRuns.mockRestore();
    }
  });

  it('workers are for staff only', async () => {
    expect((await gql(keys.a1, '{ workers { queue { waiting } } }')).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(api.adminToken, '{ workers { workers { id } queue { waiting } } }')).data?.workers).toMatchObject(
      { workers: [] },
    );
  });

  it('refuses queries that are too complex', async () => {
    const wide = await gql(
      keys.a1,
      '{ runs(first: 100) { items { id epochs { epoch trainLoss valLoss } gradientFlow { layers { name meanAbs l2 maxAbs } } } } }',
    );
    expect(wide.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxComplexity: 2000 });
  });

  it('runProgress over graphql-ws: teammates hear the run, another team is refused, no key is refused', async () => {
    const id = await submit(keys.a1, 'watched');
    const subscription = 'subscription($id: ID!) { runProgress(runId: $id) { runId kind run { status } } }';
    const outsider = wsClient({ authorization: `Bearer ${keys.b1}` }).iterate({
      query: subscription,
      variables: { id },
    });
    expect((await outsider.next()).value).toMatchObject({
      errors: [{ message: `run ${id} not found`, extensions: { code: 'NOT_FOUND' } }],
    });

    const anonymous = wsClient({}).iterate({ query: subscription, variables: { id } });
    await expect(anonymous.next()).rejects.toMatchObject({ code: 4403 });

    const teammate = wsClient({ authorization: `Bearer ${keys.a2}` }).iterate({
      query: subscription,
      variables: { id },
    });
    const heard = teammate.next();
    await new Promise((resolve) => setTimeout(resolve, 300)); // subscribed before the event
    expect((await gql(keys.a1, 'mutation($id: ID!) { cancelRun(id: $id) { status } }', { id })).data).toEqual({
      cancelRun: { status: 'cancelled' },
    });
    expect((await heard).value).toEqual({
      data: { runProgress: { runId: id, kind: 'run', run: { status: 'cancelled' } } },
    });
    await teammate.return?.();
  });

  it('revoking a key ends the subscriptions made with it', async () => {
    const id = await submit(keys.a1, 'watched by a key about to go');
    const key = await (
      await fetch(`${api.url}/api/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.a2}` },
        body: JSON.stringify({ name: 'short-lived' }),
      })
    ).json();
    const subscription = wsClient({ authorization: `Bearer ${key.key}` }).iterate({
      query: 'subscription($id: ID!) { runProgress(runId: $id) { kind } }',
      variables: { id },
    });
    const next = subscription.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fetch(`${api.url}/api/keys/${key.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.a2}` } });
    await expect(next).rejects.toMatchObject({ code: 4401, reason: 'API key revoked' });
  });
});

describe('GraphQL depth limit', () => {
  it('refuses a query deeper than GRAPHQL_MAX_DEPTH', async () => {
    const db = await createTestDatabase();
    await migrateDatabase(db.url);
    const api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix(), GRAPHQL_MAX_DEPTH: '3' });
    try {
      const ask = (query: string) =>
        fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
          body: JSON.stringify({ query }),
        }).then((r) => r.json());
      expect((await ask('{ runs { items { id } } }')).data).toEqual({ runs: { items: [] } });
      const deep = await ask('{ runs { items { gradientFlow { layers { name } } } } }');
      expect(deep.errors[0].message).toMatch(/exceeds maximum operation depth of 3/);
    } finally {
      await api.app.close();
      await db.drop();
    }
  });
});

describe('GraphQL that cannot be turned against us', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let student: { key: string; userId: string };
  let secondKey = '';

  const ask = async (key: string | null, query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as GqlAnswer };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: testQueuePrefix(),
      GRAPHQL_COST_PER_MINUTE: '2000',
    });
    student = await createStudent(api, 'team-g', 'g1@uni.test');
    const made = await fetch(`${api.url}/api/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${student.key}` },
      body: JSON.stringify({ name: 'second' }),
    });
    secondKey = (await made.json()).key;
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it('shows no stack trace or source path in any error, signed in or not', async () => {
    for (const answer of [
      await ask(null, '{ __typename }'),
      await ask(api.adminToken, '{ nope }'),
      await ask(api.adminToken, '{ run(id: "x") { gradientFlow(epoch: -1) { epoch } } }'),
    ]) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(/stacktrace|\/src\/|node_modules/);
    }
  });

  it('refuses a fragment cycle, too many aliases or fields, and nested introspection as validation errors; standard introspection works', async () => {
    const cycle = await ask(api.adminToken, 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
    expect(cycle.body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const aliases = await ask(
      api.adminToken,
      `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
    );
    expect(aliases.body.errors?.[0]).toMatchObject({
      message: "'' has more than 30 aliases",
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const bomb = `query { ...F0 } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ${i === 11 ? '__typename' : `...F${i + 1} ...F${i + 1}`} }`).join(' ')}`;
    expect((await ask(api.adminToken, bomb)).body.errors?.[0].message).toMatch(/more than 500 fields/);
    const nested = await ask(api.adminToken, '{ __schema { types { fields { type { fields { name } } } } } }');
    expect(nested.body.errors?.[0].message).toMatch(/lists a type's members through another type's/);
    const introspection = await ask(api.adminToken, getIntrospectionQuery());
    expect(introspection.body.errors).toBeUndefined();
    expect((introspection.body.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(10);
  });

  it('weighs what a field costs the database: a page and its count are 20 points before any field', async () => {
    const wide = await ask(
      api.adminToken,
      `{ ${Array.from({ length: 30 }, (_, i) => `r${i}: runs(first: 100) { items { epochs { epoch } } }`).join(' ')} }`,
    );
    expect(wide.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const counts = await ask(
      api.adminToken,
      `{ ${Array.from({ length: 30 }, (_, i) => `r${i}: runs(first: 1) { totalCount }`).join(' ')} }`,
    );
    expect(counts.body.errors).toBeUndefined(); // 30 x 21 = 630 points: allowed once ...
  });

  it('limits GraphQL spending per user per minute, across all their keys', async () => {
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `r${i}: runs(first: 1) { totalCount }`).join(' ')} }`; // 630 points
    for (let i = 0; i < 3; i++) expect((await ask(student.key, query)).body.errors).toBeUndefined();
    const over = await ask(secondKey, query); // the same user with another key: 2,520 > 2,000
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await ask(api.adminToken, '{ runs(first: 1) { totalCount } }')).body.errors).toBeUndefined(); // another user is not held back
  });

  it('refuses a subscription over POST, and bad variables, with 400s', async () => {
    const subscription = await ask(
      api.adminToken,
      'subscription { runProgress(runId: "00000000-0000-4000-8000-000000000000") { kind } }',
    );
    expect([subscription.status, subscription.body.errors?.[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
    const nullJson = await ask(api.adminToken, 'mutation ($c: JSON!) { submitRun(input: { config: $c }) { id } }', {
      c: null,
    });
    expect([nullJson.status, nullJson.body.errors?.[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    const epoch = await ask(api.adminToken, '{ runs { items { gradientFlow(epoch: -1) { epoch } } } }');
    expect(epoch.status).toBeLessThan(500);
  });
});
