// `npm run bench:load -- [--phases rest,live,scale] [--clients 32,128] [--seconds 20] [--sockets 300] [--workers 30]
//                        [--scale-runs 100000] [--scale-epochs 60] [--json FILE]`
// A course night against the stack as `npm start` runs it (scripts/start.js: migrations, then the api as a
// process of its own; no training worker), on a database and queue prefix of its own. Simulated workers post
// real run events (run.started, then an epoch with a VGG_38's 77 layer statistics every second) through the
// run-events queue, the route real workers use, so the api stores and broadcasts them as it would.
//   REST: C concurrent clients make a run page's reads (the run, its epochs, its gradient flow) and the runs
//         list, for --seconds each: idle, then while the workers post. p50/p95/p99, requests/s, errors.
//   Training: the first REST load again, while one real worker trains a run on the same cores.
//   Live: S socket.io clients each follow one of the workers' runs; the latency from a worker's post to each
//         client's `epoch.completed`, and events lost or doubled.
//   Scale: 100,000 runs and 5 million epoch rows seeded in bulk (bench/load-scale.ts); each page's reads timed.
//   The api process's CPU (share of one core) and resident memory in each phase.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  redisConnectionFromUrl,
  RUN_EVENT_VERSION,
  type EpochCompletedEvent,
  type GroupDto,
  type RunDto,
  type RunEvent,
} from '@gradlab/contracts';
import { execFileSync } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { startStack, type Stack } from '../e2e/support/stack';
import { epochCompletedEvent, layerStat } from '../apps/api/src/test-support/run-event-builders';
import { RunEventsPublisher } from '../apps/worker/src/run-events.publisher';
import { runBench } from './bench-api';
import { seedCourseHistory, timeScaleReads, type ScaleResult } from './load-scale';

const list = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return (at > 0 ? process.argv[at + 1] : fallback).split(',').map(Number);
};
const CLIENTS = list('clients', '32,128');
const [SECONDS] = list('seconds', '20');
const [SOCKETS] = list('sockets', '300');
const [OVERLOAD_CLIENTS] = list('overload-clients', '1024');
const [WORKERS] = list('workers', '30');
const PHASES = (
  process.argv.includes('--phases')
    ? process.argv[process.argv.indexOf('--phases') + 1]
    : 'rest,training,live,overload,scale'
).split(',');
const [SCALE_RUNS] = list('scale-runs', '100000');
const [SCALE_EPOCHS] = list('scale-epochs', '60');
const JSON_OUT = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
/** Layer statistics per epoch, as issue 34 sizes a VGG_38 (a BN VGG_38 reports 75 weight tensors). */
const LAYERS = 77;
const SEEDED_EPOCHS = 20;

interface Latencies {
  p50: number;
  p95: number;
  p99: number;
}
interface PhaseUse {
  cpuShare: number;
  rssMiB: number;
}
interface RestResult extends Latencies, PhaseUse {
  phase: string;
  clients: number;
  requestsPerSecond: number;
  /** Answered 503 OVERLOADED (the client then waits its retry-after, as gradlab's clients do). */
  shed: number;
  /** Any other failure: no answer, a timeout, another error status. */
  errors: number;
}
interface LiveResult extends Latencies, PhaseUse {
  /** Epochs the api stored per second while the workers posted (they post one a second each). */
  storedPerSecond: number;
  sockets: number;
  workers: number;
  expected: number;
  received: number;
  lost: number;
  doubled: number;
}

function percentiles(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** The api's process: the child of scripts/start.js running apps/api. */
function apiPid(stack: Stack): number {
  const children = execFileSync('pgrep', ['-P', String(stack.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const api = children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('apps/api'));
  if (!api) throw new Error('the api process was not found among the stack processes');
  return Number(api);
}

/** CPU time (s) and resident memory (MiB) of a process, from /proc. */
function processUse(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS: ticks / 100, rssMiB: Number(rss) / 1024 };
}

async function measured<T>(pid: number, work: () => Promise<T>): Promise<T & PhaseUse> {
  const before = processUse(pid);
  const t0 = performance.now();
  const result = await work();
  const after = processUse(pid);
  const wallS = (performance.now() - t0) / 1000;
  return { ...result, cpuShare: (after.cpuS - before.cpuS) / wallS, rssMiB: after.rssMiB };
}

/** An epoch as a VGG_38's worker reports it: LAYERS layer statistics. */
function epochEvent(runId: string, epoch: number, totalEpochs = 1000): EpochCompletedEvent {
  const layers = Array.from({ length: LAYERS }, (_, i) => layerStat(i, { meanAbs: 1e-3 * (i + 1) }));
  return epochCompletedEvent(runId, epoch, { totalEpochs, durationMs: 1000, layers });
}

/** Workers as the api sees them: run events through the run-events queue, one epoch a second each. */
class SimulatedWorkers {
  private readonly publisher: RunEventsPublisher;
  private timers: NodeJS.Timeout[] = [];
  private readonly nextEpoch = new Map<string, number>();
  /** When each epoch was posted, by `runId:epoch`. */
  readonly postedAt = new Map<string, number>();

  constructor(prefix: string) {
    // the workers' own publisher; it publishes live-only events (progress, heartbeats) on pub/sub, which
    // these workers never send
    const noLiveEvents = { publish: async () => 0 };
    this.publisher = new RunEventsPublisher(redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix, noLiveEvents);
  }

  post(event: RunEvent): Promise<void> {
    return this.publisher.publish(event);
  }

  async start(runIds: string[]): Promise<void> {
    for (const runId of runIds) {
      await this.post({
        v: RUN_EVENT_VERSION,
        type: 'run.started',
        at: new Date().toISOString(),
        runId,
        backend: 'simulated',
        workerId: `simulated-${runId.slice(0, 8)}`,
        host: 'bench',
      });
    }
    runIds.forEach((runId, i) => {
      // spread over the second, as workers that did not start together
      const delay = Math.floor((i * 1000) / runIds.length);
      setTimeout(() => {
        const tick = () => {
          const epoch = this.nextEpoch.get(runId) ?? SEEDED_EPOCHS;
          this.nextEpoch.set(runId, epoch + 1);
          this.postedAt.set(`${runId}:${epoch}`, performance.now());
          void this.post(epochEvent(runId, epoch));
        };
        tick();
        this.timers.push(setInterval(tick, 1000));
      }, delay);
    });
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  async close(): Promise<void> {
    this.stop();
    await this.publisher.close();
  }
}

async function restPhase(
  stack: Stack,
  runIds: string[],
  clients: number,
  phase: string,
): Promise<Omit<RestResult, keyof PhaseUse>> {
  const headers = { authorization: `Bearer ${stack.admin.token}` };
  const latencies: number[] = [];
  let errors = 0;
  let shed = 0;
  const until = performance.now() + SECONDS * 1000;
  const client = async (c: number) => {
    for (let i = c; performance.now() < until; i++) {
      const id = runIds[i % runIds.length];
      for (const route of [`/runs/${id}`, `/runs/${id}/epochs`, `/runs/${id}/gradient-flow`, '/runs?pageSize=50']) {
        const t0 = performance.now();
        const response = await fetch(`${stack.apiUrl}/api${route}`, { headers }).catch(() => null);
        if (response) await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response?.status === 503 && response.headers.get('retry-after')) {
          shed++;
          await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
        } else if (!response?.ok) errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const seconds = (performance.now() - t0) / 1000;
  return { phase, clients, requestsPerSecond: latencies.length / seconds, shed, errors, ...percentiles(latencies) };
}

async function livePhase(
  stack: Stack,
  workers: SimulatedWorkers,
  runIds: string[],
  socketCount = SOCKETS,
  /** What else goes on while the sockets listen (the overload phase's readers); by default, nothing. */
  meanwhile: () => Promise<unknown> = () => new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)),
): Promise<Omit<LiveResult, keyof PhaseUse>> {
  const sockets: Socket[] = [];
  const received = new Map<string, number>(); // `socket:runId:epoch` -> times
  const latencies: number[] = [];
  const followers = new Map<string, number>();
  for (let s = 0; s < socketCount; s++) {
    const runId = runIds[s % runIds.length];
    const socket = io(stack.apiUrl, {
      transports: ['websocket'],
      auth: { token: stack.admin.token },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('epoch.completed', (payload: { runId: string; epoch: { epoch: number } }) => {
      const key = `${payload.runId}:${payload.epoch.epoch}`;
      const posted = workers.postedAt.get(key);
      if (posted !== undefined) latencies.push(performance.now() - posted);
      const mine = `${s}:${key}`;
      received.set(mine, (received.get(mine) ?? 0) + 1);
    });
    const ack = await socket.emitWithAck('subscribe', { runId });
    if (!ack.ok) throw new Error(`socket ${s} could not follow run ${runId}: ${ack.error}`);
    followers.set(runId, (followers.get(runId) ?? 0) + 1);
    sockets.push(socket);
  }
  const firstEpoch = new Map(runIds.map((id) => [id, Math.max(SEEDED_EPOCHS, ...epochsPosted(workers, id)) + 1]));
  const storedBefore = await storedEpochs(stack, runIds);
  const t0 = performance.now();
  await meanwhile();
  const storedPerSecond = ((await storedEpochs(stack, runIds)) - storedBefore) / ((performance.now() - t0) / 1000);
  workers.stop();
  // Late is not lost: wait for the queue to drain (every posted epoch stored), two minutes at most.
  await drain(stack, workers, runIds);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the last broadcasts reach the sockets
  // what every follower should have heard: each epoch posted after all had subscribed
  let expected = 0;
  let got = 0;
  let doubled = 0;
  for (const [key] of workers.postedAt) {
    const [runId, epoch] = key.split(':');
    if (Number(epoch) < (firstEpoch.get(runId) ?? Infinity)) continue;
    expected += followers.get(runId) ?? 0;
  }
  for (const [key, times] of received) {
    const [, runId, epoch] = key.split(':');
    if (Number(epoch) < (firstEpoch.get(runId) ?? Infinity)) continue;
    got++;
    if (times > 1) doubled++;
  }
  for (const socket of sockets) socket.disconnect();
  return {
    storedPerSecond,
    sockets: socketCount,
    workers: runIds.length,
    expected,
    received: got,
    lost: expected - got,
    doubled,
    ...percentiles(latencies),
  };
}

/** Waits (two minutes at most) until every epoch posted so far is stored; the seconds it took. */
async function drain(stack: Stack, workers: SimulatedWorkers, runIds: string[]): Promise<number> {
  const t0 = performance.now();
  const posted = workers.postedAt.size;
  for (let i = 0; i < 240 && (await storedEpochs(stack, runIds)) < posted; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return (performance.now() - t0) / 1000;
}

/**
 * A run read as a patient client reads it: while the api sheds readers for the workers' epochs (503
 * OVERLOADED, bench posts come faster than workers' do), it waits the retry-after and asks again.
 */
async function readRun(stack: Stack, id: string): Promise<RunDto> {
  for (;;) {
    try {
      return await stack.api<RunDto>(`/runs/${id}`);
    } catch (error) {
      if (!(error as Error).message.includes('OVERLOADED')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Epochs stored of these runs (each run's epochsCompleted). */
async function storedEpochs(stack: Stack, runIds: string[]): Promise<number> {
  const runs = await Promise.all(runIds.map((id) => readRun(stack, id)));
  return runs.reduce((n, r) => n + r.epochsCompleted, 0);
}

function epochsPosted(workers: SimulatedWorkers, runId: string): number[] {
  return [...workers.postedAt.keys()].filter((k) => k.startsWith(`${runId}:`)).map((k) => Number(k.split(':')[1]));
}

async function main(): Promise<void> {
  const stack = await startStack({
    WORKERS: '0',
    // the bench submits its runs itself, more at once than a student may
    MAX_QUEUED_RUNS_PER_TEAM: '100000',
    SUBMIT_RATE_LIMIT: '100000',
    SUBMIT_RATE_LIMIT_TEAM: '100000',
  });
  const workers = new SimulatedWorkers(stackPrefix(stack));
  try {
    const pid = apiPid(stack);
    const submit = async () =>
      stack.api<RunDto>('/runs', {
        method: 'POST',
        body: JSON.stringify({ config: { data: { dataset: 'synthetic' } } }),
      });
    // four runs a page reads, each with SEEDED_EPOCHS epochs of 77 layers, stored through the queue
    const pageRuns = [await submit(), await submit(), await submit(), await submit()].map((r) => r.id);
    for (const runId of pageRuns) for (let e = 0; e < SEEDED_EPOCHS; e++) await workers.post(epochEvent(runId, e));
    const workerRuns: string[] = [];
    for (let w = 0; w < WORKERS; w++) workerRuns.push((await submit()).id);
    await waitForEpochs(stack, pageRuns, SEEDED_EPOCHS);

    const rest: RestResult[] = [];
    let live: (LiveResult & PhaseUse) | undefined;
    let scale: (ScaleResult & PhaseUse) | undefined;
    if (PHASES.includes('rest'))
      for (const clients of CLIENTS) rest.push(await measured(pid, () => restPhase(stack, pageRuns, clients, 'idle')));
    if (PHASES.includes('training')) rest.push(await trainingPhase(stack, pid, pageRuns));
    if (PHASES.includes('rest') || PHASES.includes('live')) await workers.start(workerRuns);
    if (PHASES.includes('rest'))
      for (const clients of CLIENTS)
        rest.push(await measured(pid, () => restPhase(stack, pageRuns, clients, `${WORKERS} workers posting`)));
    if (PHASES.includes('live')) {
      // the live phase starts from a drained queue, with the workers still posting: its latency is the steady
      // state's, not the backlog the REST phases left
      const drained = await drain(stack, workers, workerRuns);
      console.log(`run-events queue drained in ${drained.toFixed(1)} s after the REST phases`);
      live = await measured(pid, () => livePhase(stack, workers, workerRuns));
    }
    let overload: { rest: RestResult; live: LiveResult } | undefined;
    if (PHASES.includes('overload')) {
      // the live phase stopped the workers when it was done: they post again, from a drained queue
      workers.stop();
      await drain(stack, workers, workerRuns);
      await workers.start(workerRuns);
      // one follower a run: what a crowd of readers past the api's limit does to the epochs' way to a browser
      let crowd: Omit<RestResult, keyof PhaseUse> | undefined;
      const followed = await measured(pid, () =>
        livePhase(stack, workers, workerRuns, workerRuns.length, async () => {
          crowd = await restPhase(stack, pageRuns, OVERLOAD_CLIENTS, `overload, ${WORKERS} workers posting`);
        }),
      );
      overload = {
        rest: { ...(crowd as Omit<RestResult, keyof PhaseUse>), cpuShare: followed.cpuShare, rssMiB: followed.rssMiB },
        live: followed,
      };
    }
    workers.stop();
    if (PHASES.includes('scale')) scale = await measured(pid, () => scalePhase(stack, workers));
    report(overload ? [...rest, overload.rest] : rest, live, overload?.live, scale);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ rest, live, overload, scale }, null, 2));
  } finally {
    await workers.close();
    await stack.stop();
  }
}

/**
 * The first REST load (32 clients by default) while one real worker trains a run on the same cores, as a
 * student's machine or a small course server runs both: the worker is started for the phase, trains a VGG_08
 * that outlasts it, and the run is cancelled after.
 */
async function trainingPhase(stack: Stack, pid: number, pageRuns: string[]): Promise<RestResult> {
  const worker = stack.startWorker();
  try {
    const run = await stack.api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'trains beside the readers',
        config: { training: { epochs: 50 }, data: { dataset: 'synthetic', trainLimit: 5000 } },
      }),
    });
    for (let i = 0; i < 600 && (await readRun(stack, run.id)).status !== 'running'; i++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 3000)); // past the data's loading, into its steps
    const result = await measured(pid, () => restPhase(stack, pageRuns, CLIENTS[0], 'one worker training'));
    await stack.api(`/runs/${run.id}/cancel`, { method: 'POST' });
    return result;
  } finally {
    worker.kill('SIGKILL');
  }
}

/**
 * A course's history in bulk, then each page's reads. The group is made through the api and its runs' epochs
 * posted by the workers, so its aggregates are the api's own.
 */
async function scalePhase(stack: Stack, workers: SimulatedWorkers): Promise<ScaleResult> {
  const options = { runs: SCALE_RUNS, epochsPerRun: SCALE_EPOCHS, students: 300, repeat: 30 };
  const t0 = performance.now();
  const epochRows = await seedCourseHistory(stack.databaseUrl, options);
  const seedSeconds = (performance.now() - t0) / 1000;
  const made = await stack.api<GroupDto>('/groups', {
    method: 'POST',
    body: JSON.stringify({
      name: 'BN+RC over seeds',
      config: { data: { dataset: 'synthetic' }, training: { epochs: SEEDED_EPOCHS } },
      seeds: Array.from({ length: 24 }, (_, i) => i),
    }),
  });
  const runIds = made.runs.map((r) => r.id);
  for (const runId of runIds) {
    for (let e = 0; e < SEEDED_EPOCHS; e++) await workers.post(epochEvent(runId, e, SEEDED_EPOCHS));
    await workers.post({
      v: RUN_EVENT_VERSION,
      type: 'run.completed',
      at: new Date().toISOString(),
      runId,
      bestEpoch: SEEDED_EPOCHS - 1,
      testLoss: 2,
      testAccuracy: 0.5,
    });
  }
  await waitForEpochs(stack, runIds, SEEDED_EPOCHS);
  const group = await stack.api<GroupDto>(`/groups/${made.id}`);
  const reads = await timeScaleReads(stack, group, options);
  return { runs: SCALE_RUNS, epochRows, seedSeconds, reads };
}

/** The stack's queue prefix: startStack makes one up and hands it to scripts/start.js in its environment. */
function stackPrefix(stack: Stack): string {
  const environ = readFileSync(`/proc/${stack.pid}/environ`, 'utf8').split('\0');
  const entry = environ.find((e) => e.startsWith('QUEUE_PREFIX='));
  if (!entry) throw new Error("the stack's QUEUE_PREFIX was not found");
  return entry.slice('QUEUE_PREFIX='.length);
}

async function waitForEpochs(stack: Stack, runIds: string[], epochs: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const runs = await Promise.all(runIds.map((id) => readRun(stack, id)));
    if (runs.every((r) => r.epochsCompleted >= epochs)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the seeded epochs were not stored within a minute');
}

function report(
  rest: RestResult[],
  live: LiveResult | undefined,
  overloadLive: LiveResult | undefined,
  scale: (ScaleResult & PhaseUse) | undefined,
): void {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  if (rest.length) {
    console.log("REST: a run page's reads and the runs list");
    console.log('| phase | clients | requests/s | p50 | p95 | p99 | shed (503) | errors | api CPU (cores) | api RSS |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rest)
      console.log(
        `| ${r.phase} | ${r.clients} | ${r.requestsPerSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.shed} | ${r.errors} | ${r.cpuShare.toFixed(2)} | ${r.rssMiB.toFixed(0)} MiB |`,
      );
  }
  if (live || overloadLive) {
    console.log("\nLive: epoch-to-browser latency, from a worker's post to each follower's event");
    console.log(
      '| phase | sockets | workers | epochs stored/s | p50 | p95 | p99 | expected | received | lost | doubled | api CPU (cores) | api RSS |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const phases: [string, LiveResult | undefined][] = [
      ['steady', live],
      [`overload (${OVERLOAD_CLIENTS} readers)`, overloadLive],
    ];
    for (const [phase, l] of phases)
      if (l)
        console.log(
          `| ${phase} | ${l.sockets} | ${l.workers} | ${l.storedPerSecond.toFixed(1)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${l.expected} | ${l.received} | ${l.lost} | ${l.doubled} | ${l.cpuShare.toFixed(2)} | ${l.rssMiB.toFixed(0)} MiB |`,
        );
  }
  if (scale) {
    console.log(
      `\nScale: ${scale.runs} runs, ${scale.epochRows} epoch rows (seeded in ${scale.seedSeconds.toFixed(0)} s); one request at a time, ${30} each; api CPU ${scale.cpuShare.toFixed(2)} cores, RSS ${scale.rssMiB.toFixed(0)} MiB`,
    );
    console.log('| read | p50 | p95 | answer |');
    console.log('| --- | ---: | ---: | --- |');
    for (const r of scale.reads)
      console.log(`| ${r.read} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.answer} |`);
  }
}

runBench(main);
