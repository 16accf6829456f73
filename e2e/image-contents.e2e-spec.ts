import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { leadingBytes } from './support/files';
import { freePort, sleep, waitUntil } from './support/stack';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);
const MANIFESTS = [
  'package.json',
  'package-lock.json',
  ...['api', 'cli', 'web', 'worker'].map((a) => `apps/${a}/package.json`),
];
MANIFESTS.push(
  ...['analysis', 'contracts', 'figures', 'models', 'native-kernels', 'training'].map((l) => `libs/${l}/package.json`),
);

/**
 * What the api and worker images hold, without Docker (none here): the production install the Dockerfile
 * makes (npm ci --omit=dev --ignore-scripts), pruned by the same script for each image, and the build's
 * dist/, each in a folder of its own away from the repository. A run is completed through them, with a
 * figure and a report pack, so a package the prune removes but a process needs fails here.
 */
describe('image contents: the api and a worker from pruned production installs', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'gradlab-image-'));
  const database = `gradlab_image_${randomBytes(5).toString('hex')}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;
  const processes: ChildProcess[] = [];
  const logs: string[] = [];
  const token = `glk_image_${randomBytes(16).toString('hex')}`;
  let apiUrl = '';

  beforeAll(async () => {
    await run(process.execPath, [path.join(ROOT, 'scripts/build.js'), 'node'], { cwd: ROOT });
    const install = path.join(work, 'install');
    for (const file of MANIFESTS) cpSync(path.join(ROOT, file), path.join(install, file));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: install,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const image of ['api', 'worker', 'worker-webgpu']) {
      const dir = path.join(work, image);
      mkdirSync(dir);
      // Hard links: a copy of the install in no time, which the prune then thins.
      await run('cp', ['-al', path.join(install, 'node_modules'), path.join(dir, 'node_modules')]);
      await run(process.execPath, [
        path.join(ROOT, 'scripts/prune-image-modules.js'),
        image,
        path.join(dir, 'node_modules'),
      ]);
      cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    }

    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const workerToken = randomBytes(16).toString('hex');
    const queuePrefix = `gradlab-image-${randomBytes(4).toString('hex')}`;
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };
    await run(process.execPath, ['dist/scripts/db-migrate.js'], {
      cwd: path.join(work, 'api'),
      env: { ...base, DATABASE_URL: databaseUrl },
    });
    const start = (image: string, env: Record<string, string>) => {
      const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${image}/src/main.js`], {
        cwd: path.join(work, image),
        env: { ...base, ...env },
      });
      child.stdout.on('data', (chunk) => logs.push(`[${image}] ${chunk}`));
      child.stderr.on('data', (chunk) => logs.push(`[${image}] ${chunk}`));
      processes.push(child);
    };
    start('api', {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      QUEUE_PREFIX: queuePrefix,
      WORKER_TOKEN: workerToken,
      GRADLAB_ADMIN_EMAIL: 'image@gradlab.test',
      GRADLAB_ADMIN_PASSWORD: 'image admin password',
      GRADLAB_ADMIN_TOKEN: token,
    });
    start('worker', {
      API_URL: apiUrl,
      QUEUE_PREFIX: queuePrefix,
      WORKER_TOKEN: workerToken,
      DATA_DIR: path.join(work, 'data'),
      WASM_THREADS: '1',
    });
    try {
      await waitUntil('the api', async () => (await fetch(`${apiUrl}/api/health`).catch(() => null))?.ok, 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs.join('')}`);
    }
  }, 300_000);

  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await sleep(200);
    rmSync(work, { recursive: true, force: true });
    const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }, 60_000);

  it('completes a run, and the api draws its figures and packs its report', async () => {
    const call = (route: string, init?: RequestInit) =>
      fetch(`${apiUrl}/api${route}`, {
        ...init,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
    const config = {
      model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
      training: { epochs: 2 },
      data: { dataset: 'synthetic', trainLimit: 300, valLimit: 100, testLimit: 100 },
    };
    const submitted = await call('/runs', { method: 'POST', body: JSON.stringify({ name: 'image run', config }) });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const done = await waitUntil(
      'the run to finish',
      async () => {
        const current = (await (await call(`/runs/${id}`)).json()) as {
          status: string;
          backend: string;
          epochsCompleted: number;
          error: string | null;
        };
        return ['completed', 'failed', 'cancelled'].includes(current.status) && current;
      },
      90_000,
      500,
    ).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${logs.join('').slice(-4000)}`)));
    // The build ships the oneDNN addon next to its loader (dist/node_modules/@gradlab/native-kernels).
    expect(done).toMatchObject({ status: 'completed', backend: 'wasm+onednn', epochsCompleted: 2 });

    const pdf = await call(`/runs/${id}/figures/gradient-flow.pdf`);
    expect(await leadingBytes(pdf, 5)).toBe('%PDF-');
    const png = await call(`/runs/${id}/figures/learning-curves.png`);
    expect(await leadingBytes(png, 4)).toBe('\x89PNG');
    const pack = await call(`/report-pack?runs=${id}`);
    expect(await leadingBytes(pack, 2)).toBe('PK');
    // The worker said which better backends it lacks, in one line each, then what it chose and on what.
    const workerLog = logs.filter((line) => line.startsWith('[worker]')).join('');
    expect(workerLog).toContain('backend tfjs-node-gpu did not load: @tensorflow/tfjs-node-gpu is not installed');
    expect(workerLog).toContain('backend webgpu did not load: webgpu is not installed'); // the CPU image has none
    expect(workerLog).toContain('backend wasm+onednn (the best that loaded)');
    expect(workerLog).toMatch(
      /device CPU .*, \d+ cores, \d+ GiB RAM; 1 wasm thread, convolutions by oneDNN \d+\.\d+\.\d+ on as many$/m,
    );
  }, 120_000);

  it("starts the webgpu backend from the worker-webgpu image's modules (here on the software adapter)", async () => {
    const dir = path.join(work, 'worker-webgpu');
    const script = [
      "const training = require(require.resolve('@gradlab/training', { paths: ['dist/apps/worker/src'] }));",
      "training.selectBackend('webgpu').then(() => { console.log(training.describeDevice('webgpu')); process.exit(0); });",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    });
    expect(stdout.trim()).toMatch(/^GPU llvmpipe.*, Dawn opengles, software renderer$/);
    // Dawn's binary for this platform only.
    expect(readdirSync(path.join(dir, 'node_modules/webgpu/dist'))).toEqual(['linux-x64']);
  }, 60_000);
});
