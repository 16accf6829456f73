import { SESSION_COOKIE } from '@gradlab/contracts';
import { MAX_JSON_DEPTH } from '../common/json-body-guard';
import { migrateDatabase } from '../database/migrator';
import { buildOpenApiDocument } from '../docs/openapi-document';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { startTestApi, type TestApi } from '../test-support/test-api';

/** Mulberry32: a small seeded generator, so that every run of this test sends the same requests. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Attempt {
  what: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The status it must answer, where one is right (otherwise: any below 500). */
  status?: number;
  /** Text the answer must hold (an error code, the field it names). */
  says?: string;
}

const RUN = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
};
const NASTY: unknown[] = [
  '\u0000',
  'a\u0000b',
  '%',
  '%E0%A4%A',
  'x'.repeat(10_000),
  '💥\uD800',
  -1,
  0,
  -0,
  1.5,
  2147483648,
  1e10,
  1e308,
  -1e308,
  null,
  true,
  [],
  {},
  { $gt: '' },
  '../../etc/passwd',
  "' OR 1=1 --",
  '2147483647',
];
const gql = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
const cursor = (date: string) =>
  Buffer.from(JSON.stringify([date, '00000000-0000-4000-8000-000000000000'])).toString('base64url');

/** `npm run test:fuzz -- --seed N` explores with another seed; CI runs this one. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const WORKER_TOKEN = 'fuzz-worker-token-0123456789abcdef';
/** Keys that name Object.prototype's members, or the prototype itself. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const GROUP = { config: RUN, seeds: [1, 2], grid: { lr: [0.001, 0.01] } };

/** `[[[...]]]` or `{"a":{"a":...}}` as JSON text, `depth` deep, built without recursion. */
const nestedJson = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/**
 * The JSON text of `value` with one key more in one of its objects, for every object in it. The key is
 * written into the text, not the object: assigning "__proto__" would set the prototype instead.
 */
function withKeyAdded(value: unknown, key: string): { path: string; json: string }[] {
  const MARK = '@@added-key@@';
  const found: { path: string; json: string }[] = [];
  const visit = (node: unknown, path: string[]) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const copy = JSON.parse(JSON.stringify(value));
    let target = copy;
    for (const step of path) target = target[step];
    target[MARK] = [1];
    found.push({
      path: path.join('.') || '(root)',
      json: JSON.stringify(copy).replace(JSON.stringify(MARK), JSON.stringify(key)),
    });
    for (const [k, child] of Object.entries(node)) visit(child, [...path, k]);
  };
  visit(value, []);
  return found;
}

/**
 * The inputs that once answered 500 (the table) and seeded random mutations of valid requests: none
 * may answer 5xx, and no GraphQL error may carry a stack trace or an INTERNAL code.
 */
describe('REST and GraphQL edges under fuzzed input (real api, Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let runId = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: testQueuePrefix(),
      SUBMIT_RATE_LIMIT: '100000',
      SUBMIT_RATE_LIMIT_TEAM: '100000',
      MAX_QUEUED_RUNS_PER_TEAM: '100000',
      WORKER_TOKEN,
    });
    const response = await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ config: RUN }),
    });
    runId = (await response.json()).id;
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  const send = async (attempt: Attempt) => {
    const response = await fetch(`${api.url}${attempt.path}`, {
      method: attempt.method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}`, ...attempt.headers },
      body: attempt.body,
    });
    const text = await response.text();
    return { status: response.status, text };
  };

  const corpus = (): Attempt[] => {
    const aliases = Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ');
    return [
      {
        what: 'NUL in a run name',
        method: 'POST',
        path: '/api/runs',
        body: JSON.stringify({ name: 'a\u0000b', config: RUN }),
      },
      { what: 'NUL in the search', method: 'GET', path: '/api/runs?q=a%00b' },
      { what: 'NUL in a team name', method: 'POST', path: '/api/teams', body: JSON.stringify({ name: 'team\u0000' }) },
      { what: 'NUL in a key name', method: 'POST', path: '/api/keys', body: JSON.stringify({ name: 'k\u0000' }) },
      {
        what: 'NUL in a login',
        method: 'POST',
        path: '/api/auth/login',
        body: JSON.stringify({ email: 'a\u0000@b.c', password: 'x\u0000'.repeat(6) }),
        headers: { authorization: '' },
      },
      { what: 'epoch past int4', method: 'GET', path: `/api/runs/${runId}/gradient-flow?epoch=2147483648` },
      { what: 'epoch 1e10', method: 'GET', path: `/api/runs/${runId}/gradient-flow?epoch=1e10` },
      {
        what: 'a malformed session cookie',
        method: 'GET',
        path: '/api/runs',
        headers: { authorization: '', cookie: `${SESSION_COOKIE}=%` },
      },
      {
        what: 'a malformed cookie on GraphQL',
        method: 'POST',
        path: '/graphql',
        body: gql('{ __typename }'),
        headers: { authorization: '', cookie: `${SESSION_COOKIE}=%` },
      },
      {
        what: 'a GraphQL fragment cycle',
        method: 'POST',
        path: '/graphql',
        body: gql('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
      },
      { what: '5,000 aliases', method: 'POST', path: '/graphql', body: gql(`{ ${aliases} }`) },
      {
        what: 'null for a JSON! variable',
        method: 'POST',
        path: '/graphql',
        body: gql('mutation ($c: JSON!) { submitRun(input: { config: $c }) { id } }', { c: null }),
      },
      {
        what: 'a cursor with an out-of-range date',
        method: 'POST',
        path: '/graphql',
        body: gql(`{ runs(first: 1, after: "${cursor('-271821-04-20T00:00:00.000Z')}") { totalCount } }`),
      },
      {
        what: 'a cursor far in the future',
        method: 'POST',
        path: '/graphql',
        body: gql(`{ runs(first: 1, after: "${cursor('+275760-09-13T00:00:00.000Z')}") { totalCount } }`),
      },
      {
        what: 'a subscription over POST',
        method: 'POST',
        path: '/graphql',
        body: gql(`subscription { runProgress(runId: "${runId}") { kind } }`),
      },
      {
        what: 'gradientFlow(epoch: -1)',
        method: 'POST',
        path: '/graphql',
        body: gql(`{ run(id: "${runId}") { gradientFlow(epoch: -1) { epoch } } }`),
      },
      {
        what: 'gradientFlow(epoch) past int4',
        method: 'POST',
        path: '/graphql',
        body: gql(`{ run(id: "${runId}") { gradientFlow(epoch: 2147483648) { epoch } } }`),
      },
      {
        what: 'NUL in a GraphQL search',
        method: 'POST',
        path: '/graphql',
        body: gql('query ($q: String) { runs(filter: { q: $q }) { totalCount } }', { q: 'a\u0000' }),
      },
      {
        what: 'NUL in a GraphQL run name',
        method: 'POST',
        path: '/graphql',
        body: gql('mutation ($c: JSON!) { submitRun(input: { name: "x\\u0000", config: $c }) { id } }', { c: RUN }),
      },
      {
        what: 'a run id that is no uuid',
        method: 'POST',
        path: '/graphql',
        body: gql('{ run(id: "\\u0000") { id } }'),
      },
      { what: 'not JSON', method: 'POST', path: '/graphql', body: '{"query": ' },
      {
        what: 'an unknown operation',
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({ query: '{ __typename }', operationName: 'Nope' }),
      },
      // Found by the second campaign: each answered 500, or a code that said the wrong thing.
      {
        what: '5,000 [ then 5,000 ]',
        method: 'POST',
        path: '/api/runs',
        body: nestedJson(5000, 'array'),
        status: 400,
        says: `deeper than ${MAX_JSON_DEPTH}`,
      },
      {
        what: 'a grid key "constructor"',
        method: 'POST',
        path: '/api/groups',
        body: JSON.stringify({ ...GROUP, grid: { constructor: [1] } }),
        status: 400,
        says: 'grid.constructor',
      },
      {
        what: 'a grid key "toString"',
        method: 'POST',
        path: '/api/groups',
        body: JSON.stringify({ ...GROUP, grid: { toString: [1] } }),
        status: 400,
      },
      {
        what: 'a grid key "__proto__"',
        method: 'POST',
        path: '/api/groups',
        body: `{"config":${JSON.stringify(RUN)},"grid":{"__proto__":[1]}}`,
        status: 400,
        says: '__proto__',
      },
      {
        what: 'GraphQL submitGroup with a grid key "hasOwnProperty"',
        method: 'POST',
        path: '/graphql',
        body: gql('mutation ($c: JSON!) { submitGroup(input: { config: $c, grid: { hasOwnProperty: [1] } }) { id } }', {
          c: RUN,
        }),
        says: 'BAD_USER_INPUT',
      },
      {
        what: 'GraphQL submitGroup with a grid key "__proto__" in the query',
        method: 'POST',
        path: '/graphql',
        body: gql('mutation ($c: JSON!) { submitGroup(input: { config: $c, grid: { __proto__: [1] } }) { id } }', {
          c: RUN,
        }),
        says: '__proto__',
      },
      {
        what: 'runs repeated on the report pack',
        method: 'GET',
        path: `/api/report-pack?runs=${runId}&runs=${runId}`,
        status: 400,
        says: 'runs',
      },
      {
        what: 'runs repeated on the aggregate',
        method: 'GET',
        path: `/api/aggregate?runs=${runId}&runs=${runId}`,
        status: 400,
        says: 'runs',
      },
      ...['2147483648', '1e20', '-1', '1.5', '3.0', '0x10'].map((epoch) => ({
        what: `checkpoint epoch header ${epoch}`,
        method: 'PUT',
        path: `/api/runs/${runId}/checkpoints/latest`,
        body: 'GLCK',
        headers: {
          authorization: `Bearer ${WORKER_TOKEN}`,
          'content-type': 'application/octet-stream',
          'x-gradlab-epoch': epoch,
        },
        status: 400,
        says: 'x-gradlab-epoch',
      })),
      {
        what: 'a persisted query of version 99',
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({ extensions: { persistedQuery: { version: 99, sha256Hash: 'ab'.repeat(32) } } }),
        says: 'PERSISTED_QUERY_NOT_SUPPORTED',
      },
      {
        what: 'an unsupported charset',
        method: 'POST',
        path: '/api/runs',
        body: JSON.stringify({ config: RUN }),
        headers: { 'content-type': 'application/json; charset=klingon' },
        status: 415,
        says: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        what: 'an unsupported content-encoding',
        method: 'POST',
        path: '/api/runs',
        body: JSON.stringify({ config: RUN }),
        headers: { 'content-encoding': 'x-squash' },
        status: 415,
        says: 'UNSUPPORTED_MEDIA_TYPE',
      },
    ];
  };

  /**
   * Generated, not listed: nesting past the limit in every body and at random depths; every prototype key in
   * every object of a run's and a group's request; every GET route's query parameters (from the OpenAPI
   * document) repeated, and given out-of-range numbers.
   */
  const generated = (random: () => number): Attempt[] => {
    const attempts: Attempt[] = [];
    const depths = [
      MAX_JSON_DEPTH + 1,
      20_000,
      ...Array.from({ length: 4 }, () => MAX_JSON_DEPTH + 1 + Math.floor(random() * 30_000)),
    ];
    for (const depth of depths) {
      for (const kind of ['array', 'object'] as const) {
        const nested = nestedJson(depth, kind);
        const deep = { status: 400, says: `deeper than ${MAX_JSON_DEPTH}` };
        attempts.push(
          { what: `a body ${depth} ${kind}s deep`, method: 'POST', path: '/api/runs', body: nested, ...deep },
          {
            what: `a name ${depth} ${kind}s deep`,
            method: 'POST',
            path: '/api/runs',
            body: `{"name":${nested},"config":${JSON.stringify(RUN)}}`,
            ...deep,
          },
          {
            what: `config.model ${depth} ${kind}s deep`,
            method: 'POST',
            path: '/api/runs',
            body: `{"config":{"model":${nested},"training":{"epochs":2}}}`,
            ...deep,
          },
          {
            what: `GraphQL variables ${depth} ${kind}s deep`,
            method: 'POST',
            path: '/graphql',
            body: `{"query":"mutation ($c: JSON!) { submitRun(input: { config: $c }) { id } }","variables":{"c":${nested}}}`,
            ...deep,
          },
        );
      }
    }
    for (const key of PROTOTYPE_KEYS) {
      for (const { path, json } of withKeyAdded({ name: 'n', config: RUN }, key))
        attempts.push({
          what: `run request: "${key}" in ${path}`,
          method: 'POST',
          path: '/api/runs',
          body: json,
          status: 400,
        });
      for (const { path, json } of withKeyAdded(GROUP, key))
        attempts.push({
          what: `group request: "${key}" in ${path}`,
          method: 'POST',
          path: '/api/groups',
          body: json,
          status: 400,
        });
      for (const { path, json } of withKeyAdded({ c: RUN }, key))
        attempts.push({
          what: `GraphQL variables: "${key}" in ${path}`,
          method: 'POST',
          path: '/graphql',
          body: `{"query":"mutation ($c: JSON!) { submitRun(input: { config: $c }) { id } }","variables":${json}}`,
        });
    }
    const document = buildOpenApiDocument(api.app);
    const OUT_OF_RANGE = ['2147483648', '-2147483649', '1e20', '-1', '1.5', 'NaN', 'Infinity', '9'.repeat(400)];
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      const get = (item as { get?: { parameters?: { name: string; in: string }[] } }).get;
      const query = (get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      if (!get || query.length === 0) continue;
      const route = template.replace(/\{[^}]+\}/g, (name) => (name === '{kind}' ? 'latest' : runId));
      for (const name of query) {
        attempts.push({
          what: `GET ${template} with ${name} twice`,
          method: 'GET',
          path: `${route}?${name}=1&${name}=2`,
          status: 400,
          says: 'given 2 times',
        });
        const value = OUT_OF_RANGE[Math.floor(random() * OUT_OF_RANGE.length)];
        attempts.push({
          what: `GET ${template} with ${name}=${value.slice(0, 20)}`,
          method: 'GET',
          path: `${route}?${name}=${value}`,
        });
      }
    }
    return attempts;
  };

  /** A valid request with one leaf replaced by something nasty. */
  const mutations = (count: number, random: () => number): Attempt[] => {
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const attempts: Attempt[] = [];
    for (let i = 0; i < count; i++) {
      const nasty = pick(NASTY);
      // A lone surrogate cannot go in a URL; its replacement character can.
      const asQuery = encodeURIComponent(
        (typeof nasty === 'string' ? nasty : JSON.stringify(nasty)).replace(/[\uD800-\uDFFF]/g, '\uFFFD'),
      );
      const config = JSON.parse(JSON.stringify(RUN)) as Record<string, Record<string, unknown>>;
      const group = pick(Object.keys(config));
      config[group][pick([...Object.keys(config[group]), 'extra'])] = nasty;
      attempts.push(
        pick<Attempt>([
          {
            what: `config.${group} = ${String(asQuery).slice(0, 40)}`,
            method: 'POST',
            path: '/api/runs',
            body: JSON.stringify({ name: pick(['n', nasty]), config }),
          },
          {
            what: `list ?${asQuery.slice(0, 40)}`,
            method: 'GET',
            path: `/api/runs?${pick(['page', 'pageSize', 'status', 'blockType', 'architecture', 'q'])}=${asQuery}`,
          },
          {
            what: `gradient-flow epoch=${asQuery.slice(0, 40)}`,
            method: 'GET',
            path: `/api/runs/${runId}/gradient-flow?epoch=${asQuery}`,
          },
          { what: `run id ${asQuery.slice(0, 40)}`, method: 'GET', path: `/api/runs/${asQuery}` },
          { what: `estimate ${group}`, method: 'POST', path: '/api/runs/estimate', body: JSON.stringify({ config }) },
          {
            what: `GraphQL submitRun ${group}`,
            method: 'POST',
            path: '/graphql',
            body: gql('mutation ($c: JSON!, $n: String) { submitRun(input: { name: $n, config: $c }) { id } }', {
              c: config,
              n: typeof nasty === 'string' ? nasty : null,
            }),
          },
          {
            what: `GraphQL runs(first) ${asQuery.slice(0, 40)}`,
            method: 'POST',
            path: '/graphql',
            body: gql('query ($f: Int!, $q: String) { runs(first: $f, filter: { q: $q }) { totalCount } }', {
              f: nasty,
              q: nasty,
            }),
          },
          {
            what: `GraphQL gradientFlow ${asQuery.slice(0, 40)}`,
            method: 'POST',
            path: '/graphql',
            body: gql('query ($id: ID!, $e: Int) { run(id: $id) { gradientFlow(epoch: $e) { epoch } } }', {
              id: runId,
              e: nasty,
            }),
          },
          {
            what: `login ${asQuery.slice(0, 40)}`,
            method: 'POST',
            path: '/api/auth/login',
            body: JSON.stringify({ email: nasty, password: nasty }),
            headers: { authorization: '' },
          },
          {
            what: `cookie ${asQuery.slice(0, 40)}`,
            method: 'GET',
            path: '/api/auth/session',
            headers: {
              authorization: '',
              cookie: `${SESSION_COOKIE}=${typeof nasty === 'string' ? nasty.replace(/[^\x21-\x7e]/g, '') : 'x'}`,
            },
          },
        ]),
      );
    }
    return attempts;
  };

  it('answers every corpus input, the generated ones and 400 seeded mutations with a status below 500 (the one right, where one is), and GraphQL without INTERNAL or stack traces', async () => {
    const random = seeded(SEED);
    const attempts = [...corpus(), ...generated(random), ...mutations(400, random)];
    const problems: string[] = [];
    for (const attempt of attempts) {
      let outcome: { status: number; text: string };
      try {
        outcome = await send(attempt);
      } catch (error) {
        problems.push(`${attempt.what}: request failed: ${(error as Error).message}`);
        continue;
      }
      if (outcome.status >= 500) problems.push(`${attempt.what}: HTTP ${outcome.status} ${outcome.text.slice(0, 200)}`);
      else if (attempt.status !== undefined && outcome.status !== attempt.status)
        problems.push(`${attempt.what}: HTTP ${outcome.status}, not ${attempt.status}: ${outcome.text.slice(0, 200)}`);
      if (attempt.says && !outcome.text.includes(attempt.says))
        problems.push(`${attempt.what}: does not say "${attempt.says}": ${outcome.text.slice(0, 200)}`);
      if (attempt.path === '/graphql') {
        if (/INTERNAL_SERVER_ERROR|"INTERNAL"/.test(outcome.text))
          problems.push(`${attempt.what}: GraphQL INTERNAL ${outcome.text.slice(0, 300)}`);
        if (/stacktrace|\/src\/|node_modules/.test(outcome.text))
          problems.push(`${attempt.what}: a stack trace or source path ${outcome.text.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
    // The api still answers after all of it.
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  }, 300_000);
});

/** Every limited route hit by a burst of parallel requests: no 5xx, and no more let through than the limit. */
describe('parallel bursts on every limited route (real api, Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const BURST = 40;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: testQueuePrefix(),
      SUBMIT_RATE_LIMIT: '5',
      SUBMIT_RATE_LIMIT_TEAM: '1000',
      MAX_QUEUED_RUNS_PER_TEAM: '1000',
      LOGIN_FAILURES_PER_IP: '1000',
      GRAPHQL_COST_PER_MINUTE: '200',
    });
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  const burst = async (request: () => Promise<Response>) => {
    const counted: Record<number, number> = {};
    for (const answer of await Promise.all(Array.from({ length: BURST }, request)))
      counted[answer.status] = (counted[answer.status] ?? 0) + 1;
    return counted;
  };
  const asAdmin = (path: string, body: string) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body,
    });

  it('submissions: exactly the per-user limit gets through', async () => {
    expect(await burst(() => asAdmin('/api/runs', JSON.stringify({ config: RUN })))).toEqual({
      201: 5,
      429: BURST - 5,
    });
  });

  it("sign-in: one account's free tries and one more are checked", async () => {
    const login = () =>
      fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@gradlab.test', password: 'not the password' }),
      });
    expect(await burst(login)).toEqual({ 401: 6, 429: BURST - 6 });
  });

  it('GraphQL: the cost budget holds, and nothing answers 5xx', async () => {
    const counted = await burst(() =>
      asAdmin('/graphql', gql('{ runs(first: 20) { totalCount items { id name status } } }')),
    );
    expect(Object.keys(counted).every((status) => Number(status) < 500)).toBe(true);
    expect(counted[429]).toBeGreaterThan(0);
    expect(counted[200]).toBeGreaterThan(0);
  });
});
