import { migrateDatabase } from '../database/migrator';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { startTestApi, type TestApi } from '../test-support/test-api';

const TOKEN = 'worker-token-for-tests-0123456789';

describe('checkpoint routes (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let runId: string;

  const put = (kind: string, body: Buffer, epoch: number, token = TOKEN) =>
    fetch(`${api.url}/api/runs/${runId}/checkpoints/${kind}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-gradlab-epoch': String(epoch),
        authorization: `Bearer ${token}`,
      },
      body: Uint8Array.from(body),
    });
  const get = (kind: string, token = TOKEN) =>
    fetch(`${api.url}/api/runs/${runId}/checkpoints/${kind}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix(), WORKER_TOKEN: TOKEN });
    const response = await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ config: { data: { dataset: 'synthetic' } } }),
    });
    runId = (await response.json()).id;
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it('stores the bytes and gives them back with their epoch', async () => {
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    expect((await put('latest', bytes, 2)).status).toBe(200);
    const response = await get('latest');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gradlab-epoch')).toBe('2');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('keeps the newer checkpoint when an older upload arrives late', async () => {
    await put('best', Buffer.from('epoch five'), 5);
    const late = await put('best', Buffer.from('epoch three'), 3);
    expect((await late.json()).stored).toBe(false);
    expect(Buffer.from(await (await get('best')).arrayBuffer()).toString()).toBe('epoch five');
  });

  it('refuses a missing or wrong worker token, a bad kind, a missing epoch, and answers 404 when there is none', async () => {
    expect((await get('latest', 'x'.repeat(TOKEN.length))).status).toBe(401);
    expect((await fetch(`${api.url}/api/runs/${runId}/checkpoints/latest`)).status).toBe(401);
    expect((await put('other', Buffer.from('x'), 1)).status).toBe(400);
    const noEpoch = await fetch(`${api.url}/api/runs/${runId}/checkpoints/latest`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` },
      body: 'x',
    });
    expect((await noEpoch.json()).errors[0].field).toBe('x-gradlab-epoch');
    const otherRun = await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ config: {} }),
    });
    runId = (await otherRun.json()).id;
    expect((await get('latest')).status).toBe(404);
  });
});
