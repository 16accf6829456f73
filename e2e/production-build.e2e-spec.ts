import { execFile, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { collectConsoleErrors, expectCompletedRunPage, launchChromium, screenshot } from './support/browser';
import { leadingBytes } from './support/files';
import { startStack, type Stack } from './support/stack';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');

/**
 * The production path: `npm run build`, then `npm run start:prod` (scripts/start.js --prod), whose api,
 * worker and dashboard run the build's JavaScript with plain node. A run is completed through it from the
 * built CLI and seen in the dashboard, as with `npm start`.
 */
describe('production build: npm run build, then start:prod with no TypeScript at run time', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    const build = await runNpm(['run', 'build']);
    if (build.code !== 0) throw new Error(`npm run build exited ${build.code}\n${build.output.slice(-6000)}`);
    stack = await startStack({ WEB: '1' }, { prod: true });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  it('runs every process from dist/ or the standalone dashboard, with no TypeScript loader loaded', () => {
    const children = readFileSync(`/proc/${stack.pid}/task/${stack.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const processes = children.map((pid) => ({
      pid,
      args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
      cwd: path.relative(ROOT, readlinkSync(`/proc/${pid}/cwd`)),
    }));
    // Next's server renames its process (process.title) and works in its own folder: the standalone build's.
    const [web, ...others] = [...processes].sort(
      (a, b) => Number(b.args[0].startsWith('next-server')) - Number(a.args[0].startsWith('next-server')),
    );
    expect(web.args[0]).toMatch(/^next-server/);
    expect(web.cwd).toBe('apps/web/.next/standalone/apps/web');
    expect(others.map(({ args }) => args).sort()).toEqual([
      [process.execPath, '--enable-source-maps', path.join(ROOT, 'dist/apps/api/src/main.js')],
      [process.execPath, '--enable-source-maps', path.join(ROOT, 'dist/apps/worker/src/main.js')],
    ]);
    for (const { pid } of processes) {
      // SWC's native binding is what @swc-node/register would load to compile TypeScript.
      const mapped = readFileSync(`/proc/${pid}/maps`, 'utf8');
      expect(mapped).not.toMatch(/swc[^\n]*\.node/);
      expect(mapped).not.toMatch(/@swc-node/);
    }
  });

  it('completes a run submitted with the built CLI, and the dashboard shows it', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRADLAB_URL: stack.apiUrl,
      GRADLAB_KEY: stack.admin.token,
      GRADLAB_CONFIG: '/nonexistent/config.json',
    };
    const flags =
      '--filters 8 --stages 1 --blocks 0 --epochs 2 --dataset synthetic --train-limit 300 --val-limit 100 --test-limit 100 --watch';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'submit', '--name', 'production run', ...flags.split(' ')],
      { env, cwd: ROOT },
    );
    const id = /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(`run ${id} completed`);
    const run = await stack.api<{ epochsCompleted: number; testAccuracy: number | null }>(`/runs/${id}`);
    expect(run.epochsCompleted).toBe(2);
    expect(run.testAccuracy).not.toBeNull();
    // The figures render from the build too (Vega in a child process, fonts for the PDF).
    const pdf = await fetch(`${stack.apiUrl}/api/runs/${id}/figures/learning-curves.pdf`, {
      headers: { authorization: `Bearer ${stack.admin.token}` },
    });
    expect(await leadingBytes(pdf, 5)).toBe('%PDF-');

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(`${stack.webUrl}/login`);
    await page.fill('[name="email"]', stack.admin.email);
    await page.fill('[name="password"]', stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.webUrl}/runs`, { timeout: 15_000 });
    await expectCompletedRunPage(page, `${stack.webUrl}/runs/${id}`);
    await screenshot(page, 'production-run');
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('maps stack traces from the build back to the TypeScript', async () => {
    const script = `require(${JSON.stringify(path.join(ROOT, 'dist/apps/worker/src/worker-config.js'))}).loadWorkerConfig({ REDIS_URL: 'not a url' })`;
    const result = await promisify(execFile)(process.execPath, ['--enable-source-maps', '-e', script]).catch(
      (error: { stderr: string }) => error,
    );
    expect(result.stderr).toContain('invalid worker configuration: REDIS_URL');
    expect(result.stderr).toMatch(/apps\/worker\/src\/worker-config\.ts:\d+/);
  });
});

function runNpm(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}
