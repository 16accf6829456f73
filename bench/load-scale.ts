// bench:load's Scale phase: a course's whole history in the stack's database (100,000 runs of 300 students,
// 60 epochs a finished run and 30 an unfinished one: 5.1 million epoch rows), written in bulk by SQL, not
// through the api. Then each page's reads are
// timed through the api, one request at a time: the runs list (first page, filtered, deep by offset and by
// cursor), a run page's reads, the cohort page and a group's aggregation.
import { BLOCK_TYPES, ExperimentConfigSchema, type CohortDto, type GroupDto, type RunDto } from '@gradlab/contracts';
import { architectureName } from '@gradlab/models';
import { Client } from 'pg';
import type { Stack } from '../e2e/support/stack';

export interface ScaleOptions {
  runs: number;
  epochsPerRun: number;
  students: number;
  /** Requests timed per read. */
  repeat: number;
}

export interface ScaleRead {
  read: string;
  p50: number;
  p95: number;
  /** What the answer held, to show the read did its work: rows, matches. */
  answer: string;
}

export interface ScaleResult {
  runs: number;
  epochRows: number;
  seedSeconds: number;
  reads: ScaleRead[];
}

/** The migrations' team, the admin's: the seeded runs are its, so the admin's key reads them. */
const DEFAULT_TEAM_ID = '00000000-0000-4000-8000-000000000001';
/** Runs with their per-layer statistics (a run page's gradient flow): 77 rows an epoch. */
const RUNS_WITH_LAYERS = 20;
const LAYERS = 77;

export async function seedCourseHistory(databaseUrl: string, o: ScaleOptions): Promise<number> {
  const t0 = performance.now();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const configs = BLOCK_TYPES.slice(0, 4).map((blockType, i) => {
      const config = ExperimentConfigSchema.parse({
        model: { blockType, numBlocksPerStage: i === 0 ? 0 : 5 },
        training: { epochs: o.epochsPerRun },
      });
      return { config: JSON.stringify(config), architecture: architectureName(config.model), blockType };
    });
    await db.query(
      `INSERT INTO "User" (id, email, role, "teamId")
       SELECT gen_random_uuid(), 'student' || s || '@scale.bench', 'student', $1 FROM generate_series(1, $2) s`,
      [DEFAULT_TEAM_ID, o.students],
    );
    // one statement: run g is student g % students's, of config g % 4, submitted g seconds before now; of
    // every 20 of a student's runs 1 is queued, 1 running, 2 failed, 1 cancelled and 15 completed
    await db.query(
      `WITH students AS (SELECT array_agg(id ORDER BY email) AS ids FROM "User" WHERE email LIKE '%@scale.bench'),
            configs AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(i int, config jsonb, architecture text, "blockType" text))
       INSERT INTO "Run" (id, name, "teamId", "createdById", status, config, architecture, "blockType", "totalEpochs",
                          "createdAt", "updatedAt", "startedAt", "finishedAt", "epochsCompleted", "bestValAccuracy",
                          "bestEpoch", "testLoss", "testAccuracy", findings)
       SELECT gen_random_uuid(), 'student ' || (g % $3) || ' run ' || g, $4, students.ids[1 + g % $3],
              status, c.config, c.architecture, c."blockType", $5,
              now() - g * interval '1 second', now(), now() - g * interval '1 second',
              CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN now() - g * interval '1 second' + interval '30 minutes' END,
              CASE status WHEN 'queued' THEN 0 WHEN 'completed' THEN $5 ELSE $5 / 2 END,
              CASE WHEN status = 'queued' THEN NULL ELSE 0.3 + (g % 50) / 100.0 END,
              CASE status WHEN 'queued' THEN NULL WHEN 'completed' THEN $5 - 1 ELSE $5 / 2 - 1 END,
              CASE WHEN status = 'completed' THEN 2.5 END,
              CASE WHEN status = 'completed' THEN 0.3 + (g % 50) / 100.0 END,
              CASE WHEN status = 'completed' AND c.i = 1 THEN '[{"code": "vanishing_gradients", "severity": "critical"}]'::jsonb END
       FROM generate_series(1, $2) g
       CROSS JOIN students
       JOIN configs c ON c.i = g % 4
       CROSS JOIN LATERAL (SELECT (CASE (g / $3) % 20 WHEN 0 THEN 'queued' WHEN 1 THEN 'running' WHEN 2 THEN 'failed'
                                   WHEN 3 THEN 'failed' WHEN 4 THEN 'cancelled' ELSE 'completed' END)::"RunStatus" AS status) s`,
      [
        JSON.stringify(configs.map((c, i) => ({ i, ...c, config: JSON.parse(c.config) }))),
        o.runs,
        o.students,
        DEFAULT_TEAM_ID,
        o.epochsPerRun,
      ],
    );
    await db.query(
      `INSERT INTO "Epoch" ("runId", index, "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "learningRate", "durationMs")
       SELECT r.id, e, 4.6 - e * 0.05, 0.01 + e * 0.01, 4.6 - e * 0.04, 0.01 + e * 0.009, 1e-3, 60000
       FROM "Run" r CROSS JOIN LATERAL generate_series(0, r."epochsCompleted" - 1) e
       WHERE r."createdById" IN (SELECT id FROM "User" WHERE email LIKE '%@scale.bench')`,
    );
    await db.query(
      `INSERT INTO "LayerGradient" ("runId", epoch, "layerIndex", name, "shortName", kind, "meanAbs", "lastBatchMeanAbs",
                                    l2, "maxAbs", "nonFiniteCount", "weightL2", "updateRatio")
       SELECT r.id, e, l, 'layer_dict.conv_' || l || '.weight', 'conv_' || l, 'conv', 1e-3 * (l + 1), 1e-3, 1, 1, 0, 1, 1e-3
       FROM (SELECT id, "epochsCompleted" FROM "Run"
             WHERE status = 'completed' AND "createdById" IN (SELECT id FROM "User" WHERE email LIKE '%@scale.bench')
             ORDER BY "createdAt" DESC LIMIT $1) r
       CROSS JOIN LATERAL generate_series(0, r."epochsCompleted" - 1) e CROSS JOIN generate_series(0, $2 - 1) l`,
      [RUNS_WITH_LAYERS, LAYERS],
    );
    // The cohort page's tallies, as the repository keeps them after each write and the migration counts them
    // for the runs stored before it.
    await db.query(
      `SELECT refresh_member_run_tally("teamId", "createdById")
       FROM (SELECT DISTINCT "teamId", "createdById" FROM "Run" WHERE "createdById" IS NOT NULL) members`,
    );
    // As autovacuum leaves a table some time after its inserts: statistics, and the visibility map that lets a
    // count read an index alone.
    await db.query('VACUUM ANALYZE');
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM "Epoch"');
    console.log(
      `seeded ${o.runs} runs, ${rows[0].n} epoch rows, ${RUNS_WITH_LAYERS * o.epochsPerRun * LAYERS} layer rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    return Number(rows[0].n);
  } finally {
    await db.end();
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The reads of each page, timed one request at a time through the stack's api. */
export async function timeScaleReads(stack: Stack, group: GroupDto, o: ScaleOptions): Promise<ScaleRead[]> {
  const headers = { authorization: `Bearer ${stack.admin.token}` };
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${stack.apiUrl}/api${path}`, { headers });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const list = (await get('/runs?status=completed&pageSize=50')) as { items: RunDto[] };
  const withLayers = list.items[0];
  const deepPage = Math.floor(o.runs / 25 / 2);
  // the cursor of the same deep page: follow the list's cursors by the page's first run
  const cursorPage = (await get(`/runs?page=${deepPage - 1}&pageSize=25`)) as { nextCursor?: string };
  type Read = [string, string, (answer: unknown) => string];
  const reads: Read[] = [
    ['runs list, first page', '/runs?pageSize=25', listed],
    [
      'runs list, filtered (status, block, depth)',
      '/runs?status=completed&blockType=conv_block_bn&architecture=VGG_38&pageSize=25',
      listed,
    ],
    ['runs list, name search', '/runs?q=student%2042%20run&pageSize=25', listed],
    [`runs list, page ${deepPage} by offset`, `/runs?page=${deepPage}&pageSize=25`, listed],
    ...(cursorPage.nextCursor
      ? [[`runs list, page ${deepPage} by cursor`, `/runs?after=${cursorPage.nextCursor}&pageSize=25`, listed] as Read]
      : []),
    ['run page: the run', `/runs/${withLayers.id}`, (r) => `${(r as RunDto).epochsCompleted} epochs`],
    ['run page: its epochs', `/runs/${withLayers.id}/epochs`, (r) => `${(r as unknown[]).length} epochs`],
    [
      'run page: its gradient flow',
      `/runs/${withLayers.id}/gradient-flow`,
      (r) => `${(r as { layers: unknown[] }).layers.length} layers`,
    ],
    ['cohort page', '/cohort', (r) => `${(r as CohortDto).teams.reduce((n, t) => n + t.members.length, 0)} members`],
    [
      `group page: its aggregate (${group.runs.length} seeds, the latest layer statistics)`,
      `/groups/${group.id}/aggregate?gradientFlow=latest`,
      aggregated,
    ],
    [
      `group of ${group.runs.length} seeds: its whole aggregate (the CLI's)`,
      `/groups/${group.id}/aggregate`,
      aggregated,
    ],
  ];
  const results: ScaleRead[] = [];
  for (const [read, path, describe] of reads) {
    let answer = describe(await get(path)); // warm: query plans, caches
    const times: number[] = [];
    for (let i = 0; i < o.repeat; i++) {
      const t0 = performance.now();
      answer = describe(await get(path));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    results.push({ read, p50: percentile(times, 0.5), p95: percentile(times, 0.95), answer });
  }
  return results;
}

function aggregated(answer: unknown): string {
  const a = answer as { epochs: unknown[]; gradientFlow: unknown[] };
  return `${a.epochs.length} epochs, layer statistics of ${a.gradientFlow.length}`;
}

function listed(page: unknown): string {
  const p = page as { items: unknown[]; total: number };
  return `${p.items.length} of ${p.total}`;
}
