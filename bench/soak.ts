// `npm run bench:soak -- --minutes N [--max-outage-min M] [--workers W]`
// Tiny runs, submitted without pause, while faults strike at random: a worker killed, Postgres stopped for a
// random span up to --max-outage-min (default 10), Redis restarted (empty), the api restarted. Then it waits
// for every submitted run to finish and prints runs submitted, completed, failed, and epochs lost or stored
// twice, which must all be zero but `submitted` and `completed`. Its own Postgres cluster (port 5451) and
// Redis (6401), as the chaos suite's (e2e/chaos) but beside it. Exits 1 when anything was lost.
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { ChaosStack } from '../e2e/chaos/chaos-stack';
import { freePort, sleep } from '../e2e/support/stack';

const EPOCHS = 8;
const TINY_RUN = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: EPOCHS, batchSize: 50 },
  data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 100, testLimit: 100 },
};
/** Runs kept queued or running at once. */
const IN_FLIGHT = 4;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'max-outage-min': { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
  },
});
const minutes = Number(values.minutes);
const maxOutageMs = Number(values['max-outage-min']) * 60_000;
const workerCount = Number(values.workers);
for (const [name, value] of [
  ['--minutes', minutes],
  ['--max-outage-min', maxOutageMs],
  ['--workers', workerCount],
] as const) {
  if (!(value > 0)) throw new Error(`${name}: a positive number, got ${value}`);
}

const stack = new ChaosStack({ pgPort: 5451, redisPort: 6401, cluster: 'gradlab_soak' });
const submitted: string[] = [];
const faults: string[] = [];
const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${stamp()} ${line}`);

async function activeRuns(): Promise<number> {
  let active = 0;
  for (const status of ['queued', 'running']) {
    const response = await stack.call('GET', `/runs?status=${status}&pageSize=200`).catch(() => null);
    if (!response?.ok) return IN_FLIGHT; // the api or its database is away: submit nothing now
    active += ((await response.json()) as { items: unknown[] }).items.length;
  }
  return active;
}

/** Keeps IN_FLIGHT runs going; a refused submission (503 in an outage, 429) is simply tried later. */
async function submitter(until: number): Promise<void> {
  while (Date.now() < until) {
    if ((await activeRuns()) < IN_FLIGHT) {
      const response = await stack
        .call('POST', '/runs', { name: `soak ${submitted.length}`, config: TINY_RUN })
        .catch(() => null);
      if (response?.status === 201) submitted.push(((await response.json()) as { id: string }).id);
    }
    await sleep(1000);
  }
}

/** One fault at a time, every 20 to 90 s. */
async function faulter(until: number): Promise<void> {
  const random = (low: number, high: number) => low + Math.random() * (high - low);
  while (Date.now() < until) {
    await sleep(Math.min(random(20_000, 90_000), until - Date.now()));
    if (Date.now() >= until) break;
    const fault = ['worker', 'postgres', 'redis', 'api'][Math.floor(Math.random() * 4)];
    if (fault === 'worker') {
      const live = stack.liveWorkers();
      const index = live[Math.floor(Math.random() * live.length)];
      stack.killWorker(index);
      stack.startWorker();
      faults.push(`worker ${index} killed`);
    } else if (fault === 'postgres') {
      const span = Math.min(random(5_000, maxOutageMs), Math.max(5_000, until - Date.now()));
      say(`Postgres stopped for ${Math.round(span / 1000)} s`);
      stack.stopPostgres();
      await sleep(span);
      stack.startPostgres();
      faults.push(`Postgres down ${Math.round(span / 1000)} s`);
    } else if (fault === 'redis') {
      await stack.stopRedis();
      await sleep(random(1_000, 10_000));
      stack.startRedis();
      faults.push('Redis restarted (empty)');
    } else {
      stack.killApi();
      await sleep(random(1_000, 10_000));
      await stack.startApi();
      faults.push('api restarted');
    }
    say(faults.at(-1) as string);
  }
}

async function main(): Promise<void> {
  await stack.start(await freePort());
  for (let i = 0; i < workerCount; i++) stack.startWorker();
  const until = Date.now() + minutes * 60_000;
  say(`soak for ${minutes} min, ${workerCount} workers, Postgres outages up to ${maxOutageMs / 60_000} min`);
  await Promise.all([submitter(until), faulter(until)]);

  // Every fault over: let every submitted run finish (an outage may have just ended).
  say(`submitting stopped after ${submitted.length} runs; waiting for them to finish`);
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const drainUntil = Date.now() + 20 * 60_000;
  let rows: { id: string; status: string; epochs: number; distinct_epochs: number }[] = [];
  for (;;) {
    rows = (
      await db.query(
        `SELECT r.id, r.status, (SELECT count(*)::int FROM "Epoch" e WHERE e."runId" = r.id) AS epochs,
                (SELECT count(DISTINCT index)::int FROM "Epoch" e WHERE e."runId" = r.id) AS distinct_epochs
           FROM "Run" r WHERE r.id = ANY($1::uuid[])`,
        [submitted],
      )
    ).rows;
    if (rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status)) || Date.now() > drainUntil) break;
    await sleep(2000);
  }
  await db.end();
  const completed = rows.filter((r) => r.status === 'completed');
  const summary = {
    minutes,
    faults: faults.length,
    submitted: submitted.length,
    completed: completed.length,
    failed: rows.filter((r) => r.status === 'failed').length,
    unfinished: rows.filter((r) => !['completed', 'failed', 'cancelled'].includes(r.status)).length,
    missing: submitted.length - rows.length,
    epochsLost: completed.reduce((sum, r) => sum + (EPOCHS - r.distinct_epochs), 0),
    epochsDoubled: rows.reduce((sum, r) => sum + (r.epochs - r.distinct_epochs), 0),
  };
  console.log(`\nfaults: ${faults.join('; ')}\n`);
  console.log(
    '| minutes | faults | submitted | completed | failed | unfinished | missing | epochs lost | epochs doubled |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(`| ${Object.values(summary).join(' | ')} |`);
  await stack.stop();
  const lost = summary.failed + summary.unfinished + summary.missing + summary.epochsLost + summary.epochsDoubled;
  if (lost > 0) {
    console.error(`\nsomething was lost; the stack's last logs:\n${stack.logs.join('').slice(-6000)}`);
    process.exit(1);
  }
}

main().catch(async (error: Error) => {
  console.error(error);
  await stack.stop().catch(() => undefined);
  process.exit(1);
});
