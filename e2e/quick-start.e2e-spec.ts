import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { collectConsoleErrors, expectCompletedRunPage, launchChromium, screenshot } from './support/browser';
import { sleep, waitUntil } from './support/stack';

const ROOT = path.resolve(__dirname, '..');
const GRADLAB = path.join(ROOT, 'apps/cli/bin/gradlab.js');
// The README's addresses: the dashboard a person opens, and the api the CLI talks to by default.
const DASHBOARD = 'http://localhost:3000';
const API = 'http://127.0.0.1:4000';

/**
 * The quick start exactly as the README gives it: `npm start` with the three GRADLAB_ADMIN_* variables and
 * nothing else (no port, no api address, no database), then the dashboard in chromium and the CLI, as a new
 * user would. Other suites start stacks with variables of their own; this one must not.
 */
describe('quick start: `npm start` with only GRADLAB_ADMIN_*, used from the browser and the CLI', () => {
  const admin = {
    email: `quick-${randomBytes(4).toString('hex')}@uni.example`,
    password: `a long passphrase ${randomBytes(4).toString('hex')}`,
    token: `glk_${randomBytes(24).toString('hex')}`,
  };
  let stack: ChildProcess;
  let browser: Browser;
  const logs: string[] = [];

  beforeAll(async () => {
    for (const port of [3000, 4000]) {
      if (!(await portIsFree(port)))
        throw new Error(`port ${port} is taken: the quick start needs it (stop whatever listens there)`);
    }
    // What a shell has, and the README's three variables: nothing of the test runner's own environment.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      GRADLAB_ADMIN_EMAIL: admin.email,
      GRADLAB_ADMIN_PASSWORD: admin.password,
      GRADLAB_ADMIN_TOKEN: admin.token,
    };
    stack = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    stack.stdout?.on('data', (chunk) => logs.push(String(chunk)));
    stack.stderr?.on('data', (chunk) => logs.push(String(chunk)));
    try {
      // npm start may build the dashboard first.
      const up = (url: string) => async () => {
        if (stack.exitCode !== null) throw new Error('npm start exited');
        return (await fetch(url).catch(() => null))?.ok;
      };
      await waitUntil('the api', up(`${API}/api/health`), 300_000, 500);
      await waitUntil('the dashboard', up('http://127.0.0.1:3000/login'), 120_000, 500);
    } catch (error) {
      throw new Error(`${(error as Error).message}; npm start exited ${stack.exitCode}\n${logs.join('').slice(-6000)}`);
    }
    browser = await launchChromium();
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    if (stack && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack.once('exit', resolve));
      process.kill(-(stack.pid as number), 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (stack.exitCode === null) process.kill(-(stack.pid as number), 'SIGKILL');
    }
    // The quick start uses the default database; leave it as this test found it (runs go with their user).
    const db = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/gradlab' });
    await db.connect();
    await db.query('DELETE FROM "Run" WHERE "createdById" IN (SELECT id FROM "User" WHERE email = $1)', [admin.email]);
    await db.query('DELETE FROM "User" WHERE email = $1', [admin.email]);
    await db.end();
  }, 30_000);

  it('signs in on http://localhost:3000, runs a CLI submission, and shows it completed', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(DASHBOARD);
    await page.waitForURL(/\/login\?next=/, { timeout: 15_000 });
    await page.fill('[name="email"]', admin.email);
    await page.fill('[name="password"]', admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${DASHBOARD}/runs`, { timeout: 15_000 });
    expect(await page.textContent('[data-testid="signed-in-as"]')).toContain(admin.email);
    expect(await page.locator('[data-testid="api-banner"]').count()).toBe(0);
    await screenshot(page, 'quick-start-signed-in');

    // The CLI as the README configures it: the admin's key, the api's address.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRADLAB_CONFIG: path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-quick-')), 'config.json'),
    };
    const gradlab = (...args: string[]) =>
      promisify(execFile)(process.execPath, [GRADLAB, ...args], { env, cwd: ROOT });
    await gradlab('config', '--url', API, '--key', admin.token);
    const { stdout } = await gradlab(
      'submit',
      '--name',
      'quick start run',
      ...'--filters 8 --stages 1 --blocks 0 --epochs 2 --dataset synthetic --train-limit 300 --val-limit 100 --test-limit 100 --watch'.split(
        ' ',
      ),
    );
    const id = /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(`run ${id} completed`);

    // Back in the browser: the run submitted elsewhere is in the list, and its page answers from the
    // server-side lookup too.
    await page.reload();
    const row = page.locator('[data-testid="runs-table"] tbody tr', { hasText: 'quick start run' });
    await row.waitFor({ timeout: 20_000 });
    await waitUntil(
      'the run listed as completed',
      async () => (await row.textContent())?.includes('completed'),
      20_000,
    );
    await expectCompletedRunPage(page, `${DASHBOARD}/runs/${id}`);
    await screenshot(page, 'quick-start-run');
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 240_000);
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
