import type { QueuePositionDto, QuotaDto, RunDto, TeamsQuotaDto } from '@gradlab/contracts';
import { Client } from 'pg';
import { migrateDatabase } from '../database/migrator';
import { createStudent } from '../test-support/create-student';
import { holdingWorker } from '../test-support/holding-worker';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { startTestApi, type TestApi } from '../test-support/test-api';

const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
};

/** Budgets and pools through the real api, Postgres and Redis (workers: real BullMQ workers that hold jobs). */
describe('quotas and pools (real api, Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let sql: Client;
  const prefix = testQueuePrefix();

  const call = async <T>(key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, DISPATCH_INTERVAL_MS: '100' });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await api.app.close();
    await sql.end();
    await db.drop();
  });

  it('a team past its weekly budget is refused with 429, the budget, what is used and when it frees up', async () => {
    const student = (await createStudent({ url: api.url, adminToken: api.adminToken }, 'team-q', 'q@uni.test')).key;
    const teams = (await call<TeamsQuotaDto>(api.adminToken, 'GET', '/teams/quota')).body.teams;
    const teamId = teams.find((t) => t.teamName === 'team-q')?.teamId as string;
    // Students cannot set it; staff (here the admin) can.
    expect((await call(student, 'PUT', `/teams/${teamId}/share`, { weeklyBudgetHours: 1 })).status).toBe(403);
    const set = await call<QuotaDto>(api.adminToken, 'PUT', `/teams/${teamId}/share`, { weeklyBudgetHours: 0.01 });
    expect(set.body).toMatchObject({ teamName: 'team-q', weeklyBudgetHours: 0.01, usedHours: 0, freesAt: null });
    const bad = await call<{ errors: { field: string }[] }>(api.adminToken, 'PUT', `/teams/${teamId}/share`, {
      weight: -1,
    });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'weight']);

    // Within budget: accepted. Then 60 s of worker time this week (a run that trained from 70 s to 10 s ago).
    const first = await call<RunDto>(student, 'POST', '/runs', { config: smallConfig });
    expect(first.status).toBe(201);
    await sql.query(
      `UPDATE "Run" SET status = 'completed', "dispatchedAt" = now() - interval '70 seconds',
         "startedAt" = now() - interval '70 seconds', "finishedAt" = now() - interval '10 seconds' WHERE id = $1`,
      [first.body.id],
    );
    const refused = await call<{
      code: string;
      message: string;
      quota: { budgetHours: number; usedHours: number; freesAt: string };
    }>(student, 'POST', '/runs', { config: smallConfig });
    expect([refused.status, refused.body.code]).toEqual([429, 'QUOTA_EXCEEDED']);
    expect(refused.body.quota.budgetHours).toBe(0.01);
    expect(refused.body.quota.usedHours).toBeCloseTo(60 / 3600, 3);
    const freesAt = new Date(refused.body.quota.freesAt);
    expect([freesAt.getUTCDay(), freesAt.getUTCHours(), freesAt.getTime() > Date.now()]).toEqual([1, 0, true]); // next Monday
    expect(refused.body.message).toMatch(/team team-q has used 0\.017 of its 0\.01 worker hours this week/);
    const groups = await call<{ code: string }>(student, 'POST', '/groups', { config: smallConfig, seeds: [1, 2] });
    expect([groups.status, groups.body.code]).toEqual([429, 'QUOTA_EXCEEDED']);
    const own = await call<QuotaDto>(student, 'GET', '/quota');
    expect(own.body).toMatchObject({
      teamName: 'team-q',
      weeklyBudgetHours: 0.01,
      freesAt: refused.body.quota.freesAt,
    });
  });

  it('a run too long for a CPU worker waits for a GPU worker seen in the last hour; with none seen, a CPU worker takes it', async () => {
    const student = (await createStudent({ url: api.url, adminToken: api.adminToken }, 'team-p', 'p@uni.test')).key;
    // What CPU workers measured: one epoch of this network took an hour.
    const measured = await call<RunDto>(student, 'POST', '/runs', { config: smallConfig });
    await sql.query(
      `UPDATE "Run" SET status = 'completed', backend = 'wasm', pool = 'cpu', "finishedAt" = now() WHERE id = $1`,
      [measured.body.id],
    );
    await sql.query(
      `INSERT INTO "Epoch" ("runId", index, "trainAccuracy", "valAccuracy", "learningRate", "durationMs") VALUES ($1, 0, 0, 0, 0.001, 3600000)`,
      [measured.body.id],
    );
    // A GPU worker was seen 10 minutes ago: within GPU_SEEN_WINDOW_MIN (60).
    await sql.query(
      `INSERT INTO "Worker" (id, host, backend, pool, "lastHeartbeatAt") VALUES ('gpu-1', 'gpu-host', 'webgpu', 'gpu', now() - interval '10 minutes')`,
    );
    const estimate = await call<{ pool: string; waitsForGpu: boolean }>(student, 'POST', '/runs/estimate', {
      config: smallConfig,
    });
    expect(estimate.body).toMatchObject({ pool: 'gpu', waitsForGpu: true });
    const big = await call<RunDto>(student, 'POST', '/runs', { config: smallConfig });
    const asked = await call<RunDto>(student, 'POST', '/runs', { config: smallConfig, resources: { pool: 'gpu' } });
    expect(asked.body.resources).toEqual({ pool: 'gpu' });
    const badPool = await call<{ errors: { field: string }[] }>(student, 'POST', '/runs', {
      config: smallConfig,
      resources: { pool: 'GPU!' },
    });
    expect([badPool.status, badPool.body.errors[0].field]).toEqual([400, 'resources.pool']);

    const cpu = await holdingWorker(prefix, 'cpu');
    // The CPU worker is online (its heartbeat) and free: the big run is not given to it while a GPU was seen.
    await sql.query(
      `INSERT INTO "Worker" (id, host, backend, pool, "lastHeartbeatAt") VALUES ('cpu-1', 'cpu-host', 'wasm', 'cpu', now())`,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(cpu.taken).toHaveLength(0);
      const place = await call<{ position: number; pool: string | null }>(
        student,
        'GET',
        `/runs/${asked.body.id}/queue`,
      );
      expect(place.body).toMatchObject({ pool: 'gpu', waitsForGpuUntil: null }); // it asked for the gpu pool
      // the big run says how long it waits for a GPU: until the GPU worker's heartbeat plus the window
      const waiting = await call<QueuePositionDto>(student, 'GET', `/runs/${big.body.id}/queue`);
      const heard = await sql.query(
        `SELECT (extract(epoch FROM "lastHeartbeatAt") * 1000)::float8 AS ms FROM "Worker" WHERE id = 'gpu-1'`,
      );
      expect(Date.parse(waiting.body.waitsForGpuUntil as string)).toBe(heard.rows[0].ms + 60 * 60_000);
      // No GPU worker seen in the last hour: the CPU worker takes the big run (and only it: the other asked for a GPU).
      await sql.query(`UPDATE "Worker" SET "lastHeartbeatAt" = now() - interval '61 minutes' WHERE id = 'gpu-1'`);
      await waitFor('the CPU worker to take the big run', async () => cpu.taken.length > 0);
      expect(cpu.taken.map((j) => j.id)).toEqual([big.body.id]);
      expect((await call<RunDto>(student, 'GET', `/runs/${asked.body.id}`)).body.pool).toBeNull();
    } finally {
      await cpu.close();
      await sql.query(
        `UPDATE "Run" SET status = 'cancelled' WHERE "teamId" = (SELECT "teamId" FROM "Run" WHERE id = $1)`,
        [big.body.id],
      );
    }
  });

  it('two api instances dispatching at once: each free worker gets one run, and no run is given twice', async () => {
    const second = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, DISPATCH_INTERVAL_MS: '50' });
    const student = (await createStudent({ url: api.url, adminToken: api.adminToken }, 'team-2x', 'x@uni.test')).key;
    const workers = [await holdingWorker(prefix), await holdingWorker(prefix), await holdingWorker(prefix)];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const via = i % 2 === 0 ? api : second; // submissions reach either instance, as behind a load balancer
        const response = await fetch(`${via.url}/api/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${student}` },
          body: JSON.stringify({ config: smallConfig }),
        });
        ids.push(((await response.json()) as RunDto).id);
      }
      await waitFor('the three workers to have a run each', async () => workers.every((w) => w.taken.length === 1));
      await new Promise((resolve) => setTimeout(resolve, 1000)); // twenty more ticks of each instance
      const taken = workers.flatMap((w) => w.taken.map((j) => j.id));
      expect(taken).toHaveLength(3);
      expect(new Set(taken).size).toBe(3);
      // First in, first out within the team: the three oldest.
      expect([...taken].sort()).toEqual(ids.slice(0, 3).sort());
      const { rows } = await sql.query(
        `SELECT count(*)::int AS n FROM "Run" WHERE id = ANY($1) AND "dispatchedAt" IS NOT NULL`,
        [ids],
      );
      expect(rows[0].n).toBe(3);
    } finally {
      for (const w of workers) await w.close();
      await second.app.close();
    }
  });
});
