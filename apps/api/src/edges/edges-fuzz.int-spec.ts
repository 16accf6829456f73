import { SESSION_COOKIE } from '@gradlab/contracts';
import { migrateDatabase } from '../database/migrator';
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
}

const RUN = { model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 }, training: { epochs: 2 }, data: { dataset: 'synthetic' } };
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
const cursor = (date: string) => Buffer.from(JSON.stringify([date, '00000000-0000-4000-8000-000000000000'])).toString('base64url');

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
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix(), SUBMIT_RATE_LIMIT: '100000', MAX_QUEUED_RUNS_PER_TEAM: '100000' });
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
      { what: 'NUL in a run name', method: 'POST', path: '/api/runs', body: JSON.stringify({ name: 'a\u0000b', config: RUN }) },
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
      { what: 'a malformed session cookie', method: 'GET', path: '/api/runs', headers: { authorization: '', cookie: `${SESSION_COOKIE}=%` } },
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
      { what: 'a subscription over POST', method: 'POST', path: '/graphql', body: gql(`subscription { runProgress(runId: "${runId}") { kind } }`) },
      { what: 'gradientFlow(epoch: -1)', method: 'POST', path: '/graphql', body: gql(`{ run(id: "${runId}") { gradientFlow(epoch: -1) { epoch } } }`) },
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
      { what: 'a run id that is no uuid', method: 'POST', path: '/graphql', body: gql('{ run(id: "\\u0000") { id } }') },
      { what: 'not JSON', method: 'POST', path: '/graphql', body: '{"query": ' },
      { what: 'an unknown operation', method: 'POST', path: '/graphql', body: JSON.stringify({ query: '{ __typename }', operationName: 'Nope' }) },
    ];
  };

  /** A valid request with one leaf replaced by something nasty. */
  const mutations = (count: number, random: () => number): Attempt[] => {
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const attempts: Attempt[] = [];
    for (let i = 0; i < count; i++) {
      const nasty = pick(NASTY);
      // A lone surrogate cannot go in a URL; its replacement character can.
      const asQuery = encodeURIComponent((typeof nasty === 'string' ? nasty : JSON.stringify(nasty)).replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
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
          { what: `gradient-flow epoch=${asQuery.slice(0, 40)}`, method: 'GET', path: `/api/runs/${runId}/gradient-flow?epoch=${asQuery}` },
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
            body: gql('query ($f: Int!, $q: String) { runs(first: $f, filter: { q: $q }) { totalCount } }', { f: nasty, q: nasty }),
          },
          {
            what: `GraphQL gradientFlow ${asQuery.slice(0, 40)}`,
            method: 'POST',
            path: '/graphql',
            body: gql('query ($id: ID!, $e: Int) { run(id: $id) { gradientFlow(epoch: $e) { epoch } } }', { id: runId, e: nasty }),
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
            headers: { authorization: '', cookie: `${SESSION_COOKIE}=${typeof nasty === 'string' ? nasty.replace(/[^\x21-\x7e]/g, '') : 'x'}` },
          },
        ]),
      );
    }
    return attempts;
  };

  it('answers every corpus input and 400 seeded mutations with a status below 500, and GraphQL without INTERNAL or stack traces', async () => {
    const attempts = [...corpus(), ...mutations(400, seeded(20261129))];
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
      if (attempt.path === '/graphql') {
        if (/INTERNAL_SERVER_ERROR|"INTERNAL"/.test(outcome.text)) problems.push(`${attempt.what}: GraphQL INTERNAL ${outcome.text.slice(0, 300)}`);
        if (/stacktrace|\/src\/|node_modules/.test(outcome.text)) problems.push(`${attempt.what}: a stack trace or source path ${outcome.text.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
    // The api still answers after all of it.
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  }, 120_000);
});
