import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep, waitUntil } from '../support/stack';

const ROOT = path.resolve(__dirname, '../..');
/** Where a stack's own Postgres cluster and Redis server listen, beside the machine's. */
export interface ChaosPorts {
  pgPort: number;
  redisPort: number;
  /** The Postgres cluster's name (pg_createcluster). */
  cluster: string;
}
/** The chaos suite's; the soak (bench/soak.ts) has its own, so both can run at once. */
const CHAOS_PORTS: ChaosPorts = { pgPort: 5441, redisPort: 6391, cluster: 'gradlab_chaos' };

/**
 * A stack whose every part can be stopped on its own: a Postgres cluster (pg_createcluster) and a Redis
 * server of its own, and the api and workers as separate processes, started as `npm start` starts them.
 */
export class ChaosStack {
  readonly logs: string[] = [];
  readonly admin = {
    email: 'chaos@gradlab.test',
    password: `pw-${randomBytes(8).toString('hex')}`,
    token: `glk_chaos_${randomBytes(16).toString('hex')}`,
  };
  readonly databaseUrl: string;
  readonly redisUrl: string;
  apiUrl = '';
  private readonly pgVersion = readdirSync('/usr/lib/postgresql').sort().at(-1) as string;
  private redis: ChildProcess | undefined;
  private api: ChildProcess | undefined;
  private readonly workers: ChildProcess[] = [];
  private env: NodeJS.ProcessEnv = {};

  constructor(private readonly ports: ChaosPorts = CHAOS_PORTS) {
    this.databaseUrl = `postgresql://postgres@127.0.0.1:${ports.pgPort}/gradlab`;
    this.redisUrl = `redis://127.0.0.1:${ports.redisPort}`;
  }

  async start(port: number): Promise<void> {
    this.apiUrl = `http://127.0.0.1:${port}`;
    // A fresh cluster, with trust authentication like the machine's.
    this.dropCluster();
    execFileSync(
      'pg_createcluster',
      [this.pgVersion, this.ports.cluster, '-p', String(this.ports.pgPort), '--', '--auth=trust'],
      { stdio: 'ignore' },
    );
    this.startPostgres();
    this.startRedis();
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_URL: this.apiUrl,
      QUEUE_PREFIX: 'chaos',
      WORKER_TOKEN: randomBytes(16).toString('hex'),
      GRADLAB_ADMIN_EMAIL: this.admin.email,
      GRADLAB_ADMIN_PASSWORD: this.admin.password,
      GRADLAB_ADMIN_TOKEN: this.admin.token,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gradlab-chaos-data-')),
      HEARTBEAT_INTERVAL_MS: '1000',
      // A killed worker's job goes to another after 5 s; runs and queues are reconciled every 2 s.
      WORKER_LOCK_MS: '5000',
      RECONCILE_INTERVAL_S: '2',
      WASM_THREADS: '1',
    };
    execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts/db-migrate.ts')], {
      cwd: ROOT,
      env: this.env,
      stdio: 'ignore',
    });
    await this.startApi();
  }

  startPostgres(): void {
    execFileSync('pg_ctlcluster', [this.pgVersion, this.ports.cluster, 'start'], { stdio: 'ignore' });
  }

  stopPostgres(): void {
    execFileSync('pg_ctlcluster', [this.pgVersion, this.ports.cluster, 'stop', '-m', 'fast'], { stdio: 'ignore' });
  }

  /** Redis without persistence, as the machine's: stopped and started again, it comes back empty. */
  startRedis(): void {
    this.redis = this.spawn('redis', 'redis-server', [
      '--port',
      String(this.ports.redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
  }

  async stopRedis(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      redis.once('exit', () => resolve());
      redis.kill('SIGKILL');
    });
  }

  flushRedis(): void {
    execFileSync('redis-cli', ['-p', String(this.ports.redisPort), 'FLUSHALL'], { stdio: 'ignore' });
  }

  async startApi(): Promise<void> {
    this.api = this.spawn(
      'api',
      process.execPath,
      ['-r', '@swc-node/register', path.join(ROOT, 'apps/api/src/main.ts')],
      this.env,
    );
    await waitUntil('the api', async () => (await fetch(`${this.apiUrl}/api/health`).catch(() => null))?.ok, 60_000);
  }

  killApi(): void {
    this.api?.kill('SIGKILL');
  }

  /** A worker as `npm start` runs one; `env` overrides (a wrong API_URL, say). */
  startWorker(env: NodeJS.ProcessEnv = {}): ChildProcess {
    const { DATABASE_URL: _databaseUrl, ...stackEnv } = this.env; // workers never get it
    const workerEnv = { ...stackEnv, ...env };
    const worker = this.spawn(
      `worker-${this.workers.length}`,
      process.execPath,
      ['-r', '@swc-node/register', path.join(ROOT, 'apps/worker/src/main.ts')],
      workerEnv,
    );
    this.workers.push(worker);
    return worker;
  }

  killWorker(index: number): void {
    this.workers[index]?.kill('SIGKILL');
  }

  /** The workers still running, by index. */
  liveWorkers(): number[] {
    return this.workers.flatMap((worker, index) =>
      worker.exitCode === null && worker.signalCode === null ? [index] : [],
    );
  }

  /** Every worker started so far, killed at once. */
  killAllWorkers(): void {
    for (const worker of this.workers)
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  }

  /** A GraphQL request as the admin. */
  async graphql(query: string): Promise<Response> {
    return fetch(`${this.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.admin.token}` },
      body: JSON.stringify({ query }),
    });
  }

  /** A REST call as the admin. */
  async call(method: string, route: string, body?: unknown): Promise<Response> {
    return fetch(`${this.apiUrl}/api${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.admin.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async stop(): Promise<void> {
    for (const child of [...this.workers, this.api, this.redis])
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sleep(500);
    this.dropCluster();
  }

  private dropCluster(): void {
    try {
      execFileSync('pg_dropcluster', ['--stop', this.pgVersion, this.ports.cluster], { stdio: 'ignore' });
    } catch {
      // there was none
    }
  }

  private spawn(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = this.env): ChildProcess {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => this.logs.push(`[${name}] ${chunk}`);
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => this.logs.push(`[${name}] exited (code ${code}, signal ${signal})\n`));
    return child;
  }
}
