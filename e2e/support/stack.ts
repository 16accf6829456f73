import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createStudent as createTeamStudent, STUDENT_PASSWORD } from '../../apps/api/src/test-support/create-student';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface Stack {
  apiUrl: string;
  /** The dashboard, when the stack was started with WEB=1. */
  webUrl: string;
  /** The staff admin of team "default" that GRADLAB_ADMIN_* made at start-up. */
  admin: { email: string; password: string; token: string };
  workerToken: string;
  /** A team (made if missing) with a student in it, made through the api as staff would; the student's key. */
  createStudent(team: string, email: string): Promise<string>;
  /** A REST call as the admin; throws on an error status, with the api's answer. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  databaseUrl: string;
  logs: string[];
  /** scripts/start.js, whose children are the stack's processes. */
  pid: number;
  /** Starts one more worker process against this stack (stopped with the stack). */
  startWorker(env?: Record<string, string>): ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the platform as `npm start` does (scripts/start.js: migrate, api, worker, and the dashboard when
 * WEB=1) as real processes, with a database, queue prefix, ports and data directory of its own. `prod`
 * starts it as `npm run start:prod` does, from the production build.
 */
export async function startStack(
  env: Record<string, string> = {},
  { prod = false }: { prod?: boolean } = {},
): Promise<Stack> {
  const database = `gradlab_e2e_${randomBytes(5).toString('hex')}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const workerToken = randomBytes(16).toString('hex');
  const admin = {
    email: 'admin@gradlab.test',
    password: `pw-${randomBytes(8).toString('hex')}`,
    token: `glk_e2e_${randomBytes(16).toString('hex')}`,
  };
  const logs: string[] = [];
  const stackEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    API_URL: apiUrl,
    QUEUE_PREFIX: `gradlab-e2e-${randomBytes(4).toString('hex')}`,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gradlab-e2e-data-')),
    HEARTBEAT_INTERVAL_MS: '1000',
    GRADLAB_ADMIN_EMAIL: admin.email,
    GRADLAB_ADMIN_PASSWORD: admin.password,
    GRADLAB_ADMIN_TOKEN: admin.token,
    WORKER_TOKEN: workerToken,
    WEB: '0',
    WEB_PORT: String(webPort),
    API_PUBLIC_URL: apiUrl,
    ...env,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts/start.js'), ...(prod ? ['--prod'] : [])],
    {
      cwd: ROOT,
      detached: true,
      env: stackEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => logs.push(String(chunk)));
  child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
  const extraWorkers: ChildProcess[] = [];
  const startWorker = (workerEnv: Record<string, string> = {}) => {
    const { DATABASE_URL: _databaseUrl, ...withoutDatabase } = stackEnv; // workers never get it
    const worker = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'apps/worker/src/main.ts')], {
      cwd: ROOT,
      env: { ...withoutDatabase, ...workerEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk) => logs.push(`[worker ${worker.pid}] ${chunk}`));
    worker.stderr?.on('data', (chunk) => logs.push(`[worker ${worker.pid}] ${chunk}`));
    extraWorkers.push(worker);
    return worker;
  };
  const stop = async () => {
    for (const worker of extraWorkers)
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-(child.pid as number), 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    }
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    // With the dashboard, start.js may build it first.
    const timeoutMs = stackEnv.WEB === '1' ? 300_000 : 60_000;
    await waitUntil(
      'the api to answer /api/health',
      async () => (await fetch(`${apiUrl}/api/health`).catch(() => null))?.ok,
      timeoutMs,
    );
    if (stackEnv.WEB === '1')
      await waitUntil(
        'the dashboard to answer',
        async () => (await fetch(`${webUrl}/runs`).catch(() => null))?.ok,
        60_000,
      );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${logs.join('')}`);
  }
  const createStudent = async (team: string, email: string) =>
    (await createTeamStudent({ url: apiUrl, adminToken: admin.token }, team, email)).key;
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${apiUrl}/api${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    });
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    apiUrl,
    webUrl,
    admin,
    workerToken,
    databaseUrl,
    logs,
    pid: child.pid as number,
    startWorker,
    stop,
    createStudent,
    api,
  };
}

export { STUDENT_PASSWORD };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls with a sleep between tries; gives up after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A port nothing listens on now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
