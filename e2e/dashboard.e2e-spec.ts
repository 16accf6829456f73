import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GroupDto, RunDto } from '@gradlab/contracts';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { describeNetwork, weightParams } from '@gradlab/models';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { collectConsoleErrors, launchChromium, screenshot } from './support/browser';
import { sleep, startStack, STUDENT_PASSWORD, waitUntil, type Stack } from './support/stack';

const small = (epochs: number, numBlocksPerStage: number, trainLimit: number) => ({
  model: { numFilters: 8, numStages: 1, numBlocksPerStage },
  training: { epochs, batchSize: 50 },
  data: { dataset: 'synthetic', trainLimit, valLimit: 200, testLimit: 200 },
});
const weightLayers = (config: ReturnType<typeof small>) =>
  weightParams(describeNetwork(ExperimentConfigSchema.parse(config).model)).length;

describe('dashboard in chromium: api + worker + web as `npm start` runs them', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ WEB: '1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 360_000);

  /** Signs in through the form, as a person would; the api sets the httpOnly session cookie. */
  const signIn = async (target: Page, email: string, password: string, shot?: string) => {
    await target.goto(`${stack.webUrl}/runs`);
    await target.waitForURL(/\/login\?next=%2Fruns/, { timeout: 15_000 }); // signed out: sent to sign in
    await target.fill('[name="email"]', email);
    await target.fill('[name="password"]', password);
    if (shot) await screenshot(target, shot);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.waitForURL(/\/runs$/, { timeout: 15_000 });
    expect(await target.textContent('[data-testid="signed-in-as"]')).toContain(email);
  };

  /** The course's reference run of `network`, imported in New run as a student would; ends on its page. */
  const importReferenceRun = async (network: 'VGG_08' | 'VGG_38') => {
    await page.goto(`${stack.webUrl}/runs/new`);
    const dir = path.resolve(__dirname, `../../shared/reference/course-runs/${network}/result_outputs`);
    await page.fill('[data-testid="import-form"] [name="folder"]', `${network}_experiment`);
    await page.setInputFiles('[data-testid="import-form"] [name="files"]', [
      path.join(dir, 'summary.csv'),
      path.join(dir, 'test_summary.csv'),
    ]);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  };

  it('Sign in: a wrong password is refused; the right one opens the runs', async () => {
    await page.goto(`${stack.webUrl}/login`);
    await page.fill('[name="email"]', stack.admin.email);
    await page.fill('[name="password"]', 'not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('[data-testid="login-error"]').textContent()).toContain('wrong email or password');
    await signIn(page, stack.admin.email, stack.admin.password, 'sign-in');
    const cookies = await page.context().cookies(stack.apiUrl);
    expect(cookies.find((c) => c.name === 'gradlab_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  const api = <T>(path: string, init?: RequestInit) => stack.api<T>(path, init);
  const completed = (id: string) =>
    waitUntil(
      `run ${id} to finish`,
      async () => {
        const run = await api<RunDto>(`/runs/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(run.status) ? run : null;
      },
      120_000,
    );

  /** A tiny run submitted over REST as the admin, not waited for. */
  const submit = (name: string, config: object) =>
    api<RunDto>('/runs', { method: 'POST', body: JSON.stringify({ name, config }) });

  /**
   * Data a test needs, made by the first test that asks and shared after that, so that every test sets up
   * what it reads and runs alone as well as in order (`-t 'Compare'`): a trained run, a group of two seeds,
   * a failed run.
   */
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const TRAINED = small(2, 0, 300);
  const trainedRun = once(async () => completed((await submit('trained run', TRAINED)).id));
  const trainedGroup = once(async () => {
    const group = await api<GroupDto>('/groups', {
      method: 'POST',
      body: JSON.stringify({ name: 'seeded group', config: TRAINED, seeds: [0, 1] }),
    });
    for (const run of group.runs) await completed(run.id);
    return group;
  });
  // No CIFAR-100 files in this stack's data directory: the worker fails the run and says which file.
  const failedRun = once(async () =>
    completed(
      (await submit('missing data', { ...small(1, 0, 100), data: { dataset: 'cifar100', trainLimit: 100 } })).id,
    ),
  );
  /** The shared page, signed in as the admin (through the form, the first time). */
  const adminPage = async () => {
    const cookies = await page.context().cookies(stack.apiUrl);
    if (!cookies.some((c) => c.name === 'gradlab_session')) await signIn(page, stack.admin.email, stack.admin.password);
    return page;
  };

  const FIRST = small(4, 0, 1500);

  it('New run: shows the contract’s messages next to the fields, submits, and the run page follows the run to completed without a reload', async () => {
    await adminPage();
    await page.goto(`${stack.webUrl}/runs/new`);
    await page.getByRole('button', { name: 'VGG_38 + BN + RC', exact: true }).click();
    expect(await page.inputValue('[name="config.model.numBlocksPerStage"]')).toBe('5');
    expect(await page.inputValue('[name="config.model.blockType"]')).toBe('conv_block_bn_rc');
    await screenshot(page, 'new-run');

    await page.fill('[name="config.model.numFilters"]', '0');
    await page.fill('[name="config.training.batchSize"]', 'many');
    await page.getByRole('button', { name: 'Submit run' }).click();
    expect(await page.textContent('[data-testid="error-config.model.numFilters"]')).toMatch(/>=\s*1|too small/i);
    expect(await page.textContent('[data-testid="error-config.training.batchSize"]')).toBe('"many" is not a number');
    await screenshot(page, 'new-run-invalid');
    expect(page.url()).toMatch(/\/runs\/new$/); // nothing was submitted

    await page.fill('[name="name"]', 'browser run');
    await page.fill('[name="config.model.numFilters"]', String(FIRST.model.numFilters));
    await page.fill('[name="config.model.numStages"]', String(FIRST.model.numStages));
    await page.fill('[name="config.model.numBlocksPerStage"]', String(FIRST.model.numBlocksPerStage));
    await page.selectOption('[name="config.model.blockType"]', 'conv_block');
    await page.fill('[name="config.training.epochs"]', String(FIRST.training.epochs));
    await page.fill('[name="config.training.batchSize"]', String(FIRST.training.batchSize));
    await page.selectOption('[name="config.data.dataset"]', 'synthetic');
    await page.fill('[name="config.data.trainLimit"]', String(FIRST.data.trainLimit));
    await page.fill('[name="config.data.valLimit"]', '200');
    await page.fill('[name="config.data.testLimit"]', '200');
    await page.getByRole('button', { name: 'Submit run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const firstRunId = page.url().split('/').pop() as string;

    // The run page, followed epoch by epoch.
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    const seen: string[] = [];
    await waitUntil(
      'the run page to show completed',
      async () => {
        const counter = (await page.textContent('[data-testid="epoch-counter"]'))?.trim() ?? '';
        if (seen.at(-1) !== counter) seen.push(counter);
        return (await page.textContent('[data-testid="run-status"]')) === 'completed';
      },
      120_000,
      100,
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    const epochsSeen = seen.map((s) => Number(s.split(' of ')[0]));
    expect(epochsSeen).toEqual([...epochsSeen].sort((a, b) => a - b)); // only ever advancing
    expect(new Set(epochsSeen).size).toBeGreaterThanOrEqual(3); // it moved while we watched
    await waitUntil(
      'the last epoch',
      async () => (await page.textContent('[data-testid="epoch-counter"]'))?.trim() === '4 of 4',
      10_000,
    );

    const layers = weightLayers(FIRST);
    const flowPoints = page.locator('[data-testid="gradient-flow-chart"] g.mark-symbol.role-mark path');
    await waitUntil('the gradient-flow chart', async () => (await flowPoints.count()) === layers, 15_000);
    expect(await flowPoints.count()).toBe(layers);
    expect(await page.locator('[data-testid="gradient-heatmap"] g.mark-rect.role-mark path').count()).toBe(layers * 4);
    expect(await page.locator('[data-testid="learning-curves"] svg.marks').count()).toBe(1);
    expect(await page.textContent('[data-testid="test-metrics"]')).toMatch(/test accuracy \d/);
    await screenshot(page, 'run-completed');

    // Links rendered on the server point at the api too (the browser's address of it, not the dashboard's).
    await page.reload();
    await page.locator('[data-testid="run-files"] a').first().waitFor({ timeout: 15_000 });
    expect(await page.getAttribute('[data-testid="run-files"] a', 'href')).toBe(
      `${stack.apiUrl}/api/runs/${firstRunId}/files/summary.csv`,
    );

    // The chart as a report-ready PDF, downloaded as a person would.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-learning-curves').getByRole('link', { name: 'PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('browser-run_learning-curves.pdf');
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(100_000);
  }, 210_000);

  it('Compare: overlays two runs picked in the picker', async () => {
    await adminPage();
    await trainedRun();
    const second = await submit('deeper run', small(2, 1, 300));
    expect((await completed(second.id)).status).toBe('completed');
    await page.goto(`${stack.webUrl}/compare`);
    await page.getByLabel('Compare trained run').check();
    await page.getByLabel('Compare deeper run').check();
    await page.waitForURL((url) => (url.searchParams.get('runs') ?? '').split(',').length === 2);
    const flowPoints = page.locator('[data-testid="compare-gradient-flow"] g.mark-symbol.role-mark path');
    await waitUntil(
      'both runs on the gradient-flow axis',
      async () => (await flowPoints.count()) === weightLayers(TRAINED) + weightLayers(small(2, 1, 300)),
      15_000,
    );
    const legend = await page.textContent('[data-testid="compare-curves"]');
    expect(legend).toContain('trained run');
    expect(legend).toContain('deeper run');
    expect(await page.locator('[data-testid="compared-runs"] tbody tr').count()).toBe(2);
    await screenshot(page, 'compare');
  }, 150_000);

  it('Runs: lists, searches and filters the runs', async () => {
    await adminPage();
    // Two runs of its own, cancelled at once: listed, and no worker time spent on them.
    for (const name of ['listing alpha', 'listing beta']) {
      const run = await submit(name, TRAINED);
      await api(`/runs/${run.id}/cancel`, { method: 'POST' });
    }
    await page.goto(`${stack.webUrl}/runs`);
    const rows = page.locator('[data-testid="runs-table"] tbody tr');
    await page.getByLabel('Search runs by name').fill('listing');
    await waitUntil('the two runs listed', async () => (await rows.count()) === 2, 15_000);
    expect(await rows.first().textContent()).toContain('listing beta'); // newest first
    expect(await page.textContent('[data-testid="runs-table"]')).toContain('· plain · 8 filters');
    expect(await page.textContent('[data-testid="quota"]')).toMatch(/worker hours this week \(no budget\)/);
    await screenshot(page, 'runs');
    await page.getByLabel('Search runs by name').fill('listing alpha');
    await waitUntil(
      'the search to apply',
      async () => (await rows.count()) === 1 && (await rows.first().textContent())?.includes('listing alpha'),
      15_000,
    );
    expect(page.url()).toContain('q=listing');
  }, 60_000);

  it('Run: "run again" submits the same config with the next seed; "clone and edit" fills New run with it', async () => {
    await adminPage();
    const firstRunId = (await trainedRun()).id;
    await page.goto(`${stack.webUrl}/runs/${firstRunId}`);
    await page.getByRole('button', { name: 'Run again (seed 1)' }).click();
    await page.waitForURL((url) => /\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(firstRunId), {
      timeout: 15_000,
    });
    const again = await api<RunDto>(`/runs/${page.url().split('/').pop()}`);
    const first = await api<RunDto>(`/runs/${firstRunId}`);
    expect(again.name).toBe('trained run seed 1');
    expect(again.config).toEqual({ ...first.config, training: { ...first.config.training, seed: 1 } });
    await completed(again.id);

    await page.goto(`${stack.webUrl}/runs/${firstRunId}`);
    await page.getByRole('link', { name: 'Clone and edit' }).click();
    await page.waitForURL(/\/runs\/new\?from=/);
    await waitUntil(
      'the cloned config',
      async () => (await page.inputValue('[name="name"]')) === 'trained run (edited)',
      10_000,
    );
    expect(await page.inputValue('[name="config.model.numFilters"]')).toBe(String(TRAINED.model.numFilters));
    expect(await page.inputValue('[name="config.data.trainLimit"]')).toBe(String(TRAINED.data.trainLimit));
    // Epochs of this network were measured, so its duration is estimated before it is submitted.
    await waitUntil(
      'the estimate',
      async () => (await page.textContent('[data-testid="estimate"]'))?.includes('measured on this network'),
      10_000,
    );
    expect(await page.textContent('[data-testid="estimate"]')).toMatch(/^About \d/);
    // ... on the backend the workers have now (CI builds the oneDNN addon).
    expect(await page.textContent('[data-testid="estimate"]')).toContain(
      'an epoch on one wasm+onednn worker of the cpu pool',
    );
    await screenshot(page, 'new-run-cloned');
  }, 150_000);

  it("New run: imports the course framework's reference results as a read-only run", async () => {
    await adminPage();
    const trainedId = (await trainedRun()).id;
    await importReferenceRun('VGG_08');
    await page.getByTestId('imported').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="epoch-counter"]')).toBe('101 of 101');
    expect(await page.textContent('[data-testid="test-metrics"]')).toContain('test accuracy 50.0%');
    await page.locator('[data-testid="learning-curves"] svg.marks').waitFor({ timeout: 15_000 });
    // the course's VGG_08 is healthy
    await page.getByTestId('diagnosis-healthy').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="diagnosis-healthy"]')).toContain('No problems found in 101 epochs');
    await screenshot(page, 'run-imported');
    // Compared with a trained run: the imported run's learning curves, no gradient flow, and no console error
    // (its gradient flow answers 200 without layers, not a 404).
    const importedId = page.url().split('/').pop() as string;
    const errors = collectConsoleErrors(page);
    await page.goto(`${stack.webUrl}/compare?runs=${trainedId},${importedId}`);
    await page.locator('[data-testid="compare-gradient-flow"] svg.marks').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="compare-gradient-flow"]')).not.toContain('(imported)');
    await screenshot(page, 'compare-with-imported');
    expect(errors).toEqual([]);
  }, 60_000);

  it('Groups: New run submits seeds over a grid; the group page follows it, draws mean ± std and marks the best cell', async () => {
    await adminPage();
    const tiny = small(2, 0, 300);
    await page.goto(`${stack.webUrl}/runs/new`);
    await page.fill('[name="name"]', 'browser sweep');
    await page.fill('[name="config.model.numFilters"]', String(tiny.model.numFilters));
    await page.fill('[name="config.model.numStages"]', String(tiny.model.numStages));
    await page.fill('[name="config.model.numBlocksPerStage"]', '0');
    await page.selectOption('[name="config.model.blockType"]', 'conv_block');
    await page.fill('[name="config.training.epochs"]', '2');
    await page.fill('[name="config.training.batchSize"]', '50');
    await page.selectOption('[name="config.data.dataset"]', 'synthetic');
    await page.fill('[name="config.data.trainLimit"]', '300');
    await page.fill('[name="config.data.valLimit"]', '100');
    await page.fill('[name="config.data.testLimit"]', '100');
    await page.fill('[name="seeds"]', '0..1');
    await page.fill('[name="grid"]', 'lr=1e-2,-1');
    expect(await page.textContent('[data-testid="group-size"]')).toContain('A group of 4 runs');
    // the api's field error lands under the grid
    await page.getByRole('button', { name: 'Submit group (4 runs)' }).click();
    await waitUntil(
      'the grid error',
      async () => /grid\.lr\[1\]: -1: Too small/.test((await page.textContent('[data-testid="error-grid"]')) ?? ''),
      10_000,
    );
    expect(page.url()).toMatch(/\/runs\/new$/);
    await page.fill('[name="grid"]', 'lr=1e-2,3e-3');
    await screenshot(page, 'new-group');
    await page.getByRole('button', { name: 'Submit group (4 runs)' }).click();
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const groupId = page.url().split('/').pop() as string;

    // followed live to the end, without a reload
    await waitUntil(
      'the group to complete',
      async () => /4 runs: 4 completed/.test((await page.textContent('[data-testid="group-counts"]')) ?? ''),
      150_000,
      250,
    );
    const cells = page.locator('[data-testid="grid-cell"]');
    expect(await cells.count()).toBe(2);
    await waitUntil(
      'both cells measured',
      async () =>
        (await page.locator('[data-testid="cell-best-val"]').allTextContents()).every((t) =>
          /% ± [\d.]+ \(n=2\)/.test(t),
        ),
      15_000,
    );
    expect(await page.locator('[data-testid="best-cell"]').count()).toBe(1);
    // sorted by mean best validation accuracy, highest first; a click turns it round
    const means = async () =>
      (await page.locator('[data-testid="cell-best-val"]').allTextContents()).map((t) => parseFloat(t));
    const descending = await means();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await page.getByTestId('sort-best-val').click();
    expect(await means()).toEqual([...descending].reverse());
    // mean ± std bands: a band per split and panel
    await waitUntil(
      'the bands',
      async () => (await page.locator('[data-testid="aggregate-curves"] g.mark-area.role-mark path').count()) === 4,
      15_000,
    );
    expect(await page.textContent('[data-testid="aggregate-n"]')).toMatch(/of 2 runs; epoch 1 reached by 2/);
    await page.locator('[data-testid="aggregate-gradient-flow"] svg.marks').waitFor({ timeout: 15_000 });
    await screenshot(page, 'group');
    // the bands as a report figure, downloaded as a person would
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-aggregate-curves').getByRole('link', { name: 'PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^browser-sweep.*learning-curves\.pdf$/);
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(await page.getByTestId('download-aggregate-curves').getByRole('link', { name: 'TEX' }).count()).toBe(0);

    // a member's page links back, and its diagnosis panel says it is healthy
    await page.locator('[data-testid="group-runs"] a').first().click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    expect(await page.getAttribute('[data-testid="run-group"]', 'href')).toBe(`/groups/${groupId}`);
    await page.getByTestId('diagnosis').locator('p').first().waitFor({ timeout: 15_000 });
  }, 240_000);

  it("Diagnosis: the course's VGG_38 is found stuck at chance, with its evidence and the usual fixes; staff see it in the cohort", async () => {
    await adminPage();
    await importReferenceRun('VGG_38');
    const stuck = page.getByTestId('finding-stuck_at_chance');
    await stuck.waitFor({ timeout: 15_000 });
    expect(await stuck.textContent()).toMatch(
      /critical\s*stuck at chance: After 100 epochs the train loss is 4\.60\d \(ln 100 = 4\.605\)/,
    );
    expect(await stuck.locator('a').getAttribute('href')).toBe('#chart-learning-curves');
    await stuck.locator('summary').click();
    expect(await stuck.textContent()).toContain('He et al. 2016');
    await screenshot(page, 'run-diagnosis');

    await page.goto(`${stack.webUrl}/cohort`);
    const admin = page.locator('[data-testid="cohort-member"]', { hasText: stack.admin.email });
    await admin.waitFor({ timeout: 15_000 });
    expect(await admin.textContent()).toContain('stuck at chance: 1');
    await page.locator('[data-testid="cohort-quota-default"]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="cohort-quota-default"]')).toMatch(
      /Use against budget: \d+\.\d\d worker hours this week \(no budget\) · \d+\.\d\d h in the last 24 h, weight 1/,
    );
    await screenshot(page, 'cohort');
  }, 60_000);

  it('Workers: shows the worker with its backend and the queue depth, and one waiting for the api', async () => {
    await adminPage();
    await trainedRun(); // the run the waiting worker holds
    // A second worker, as its heartbeat would store it while it cannot reach the api with a run taken (the
    // chaos suite drives a real one): waiting for 90 s.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO "Worker" (id, host, backend, pool, "currentRunId", "waitingForApiSince", "lastHeartbeatAt")
       VALUES ('gpu-box-1', 'gpu-box', 'webgpu', 'gpu', (SELECT id::text FROM "Run" ORDER BY "createdAt" LIMIT 1), now() - interval '90 seconds', now())`,
    );
    await db.end();
    await page.goto(`${stack.webUrl}/workers`);
    const rows = page.locator('[data-testid="workers-table"] tbody tr');
    await waitUntil(
      'the worker',
      async () => (await page.locator('[data-testid="pool-cpu"]').textContent())?.includes('wasm'),
      15_000,
    );
    expect(await page.textContent('[data-testid="queue-depth"]')).toContain('waiting 0');
    // grouped by pool, each with its queue
    expect(await page.textContent('[data-testid="pool-gpu"]')).toContain('gpu-box-1');
    expect(await page.textContent('[data-testid="pool-gpu"] [data-testid="pool-queue"]')).toMatch(
      /^1 online · 0 waiting/,
    );
    expect(await page.textContent('[data-testid="pool-cpu"] [data-testid="worker-speed"]')).toMatch(/^\d+ img\/s$/);
    const waiting = rows.filter({ hasText: 'gpu-box-1' });
    expect(await waiting.locator('[data-testid="worker-waiting"]').textContent()).toMatch(
      /waiting for the api for 1 min/,
    );
    await screenshot(page, 'workers');
    // gone again: an idle GPU worker online would take the next queued run at once (the queue test below)
    const cleanup = new Client({ connectionString: stack.databaseUrl });
    await cleanup.connect();
    await cleanup.query(`DELETE FROM "Worker" WHERE id = 'gpu-box-1'`);
    await cleanup.end();
  }, 60_000);

  it('a failed run shows its error; an unknown run is a 404 page', async () => {
    await adminPage();
    const failing = await failedRun();
    expect(failing.status).toBe('failed');
    await page.goto(`${stack.webUrl}/runs/${failing.id}`);
    expect(await page.textContent('[data-testid="run-error"]')).toMatch(/cifar/i);
    await screenshot(page, 'run-failed');

    const response = await page.goto(`${stack.webUrl}/runs/00000000-0000-4000-8000-000000000000`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('[data-testid="not-found"]').count()).toBe(1);
    await screenshot(page, 'run-not-found');
  }, 150_000);

  it('Settings: staff make a team, a user and a key; the key is shown once and can be revoked', async () => {
    await adminPage();
    await page.goto(`${stack.webUrl}/settings`);
    await page.fill('[data-testid="team-name"]', 'team-z');
    await page.getByRole('button', { name: 'Create team' }).click();
    await waitUntil(
      'the new team',
      async () => (await page.textContent('[data-testid="teams-list"]'))?.includes('team-z'),
      10_000,
    );
    await page.fill('[data-testid="user-email"]', 'z1@uni.test');
    await page.fill('[data-testid="user-password"]', 'short');
    await page.selectOption('[data-testid="user-team"]', 'team-z');
    await page.getByRole('button', { name: 'Create user' }).click();
    await waitUntil(
      'the password rule',
      async () => (await page.textContent('form.grid'))?.includes('at least 10 characters'),
      10_000,
    );
    await page.fill('[data-testid="user-password"]', STUDENT_PASSWORD);
    await page.getByRole('button', { name: 'Create user' }).click();
    await waitUntil(
      'the new user',
      async () => (await page.textContent('[data-testid="users-table"]'))?.includes('z1@uni.test'),
      10_000,
    );
    await page.fill('[data-testid="key-name"]', 'browser key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = (await page.locator('[data-testid="new-key"] code').textContent({ timeout: 10_000 })) ?? '';
    expect(shown).toMatch(/^glk_/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.webUrl });
    await page.locator('[data-testid="new-key"]').getByRole('button', { name: 'Copy' }).click();
    await page.locator('[data-testid="new-key"]').getByRole('button', { name: 'Copied' }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    expect((await fetch(`${stack.apiUrl}/api/runs`, { headers: { authorization: `Bearer ${shown}` } })).status).toBe(
      200,
    );
    await screenshot(page, 'settings');
    const row = page.locator('[data-testid="keys-table"] tr', { hasText: 'browser key' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'No' }).click(); // asked first: "No" keeps the key
    expect((await fetch(`${stack.apiUrl}/api/runs`, { headers: { authorization: `Bearer ${shown}` } })).status).toBe(
      200,
    );
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText('revoked').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="new-key"]').count()).toBe(0); // its "copy it now" box is gone
    expect((await fetch(`${stack.apiUrl}/api/runs`, { headers: { authorization: `Bearer ${shown}` } })).status).toBe(
      401,
    );
  }, 60_000);

  it("Blocks: a student's block written in the editor, its error placed at the node, added, checked on a worker, and trained from New run; the run page draws it", async () => {
    await adminPage();
    await page.goto(`${stack.webUrl}/blocks`);
    await page.locator('[data-testid="block-sound"]').waitFor({ timeout: 15_000 }); // the template is sound
    const sound = await page.inputValue('[data-testid="block-json"]');
    // the residual added to the already pooled tensor, as students published it: refused at the add
    await page.fill('[data-testid="block-json"]', sound.replace('["conv_1", "shortcut"]', '["conv_1", "x"]'));
    await page.locator('[data-testid="block-errors"]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="block-errors"]')).toContain(
      "node 's' (add): its inputs' shapes disagree: 'conv_1' is (F, H/2, W/2), 'x' is (F, H, W)",
    );
    expect(await page.locator('[data-testid="block-graph-reduction"] g.fault[data-node="s"]').count()).toBe(1);
    expect(await page.isDisabled('[data-testid="add-block"]')).toBe(true);
    await screenshot(page, 'blocks-error-at-node');

    await page.fill('[data-testid="block-json"]', sound);
    await page.fill('[data-testid="block-name"]', 'my_preact');
    await page.locator('[data-testid="block-sound"]').waitFor({ timeout: 15_000 });
    await page.click('[data-testid="add-block"]');
    await page.locator('[data-testid="block-details"] h2', { hasText: 'my_preact' }).waitFor({ timeout: 15_000 });
    await waitUntil(
      'the exported Python',
      async () =>
        (await page.textContent('[data-testid="block-pytorch"]'))?.includes(
          'class MyPreactConvolutionalProcessingBlock',
        ) ?? false,
      15_000,
    );
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await waitUntil(
      'the check on a worker to pass',
      async () =>
        /: passed: losses \d/.test((await page.textContent('[data-testid="trial-result"]').catch(() => '')) ?? ''),
      180_000,
    );
    expect(await page.textContent('[data-testid="trial-result"]')).toMatch(
      /0 non-finite gradient values; the step and evaluation took \d/,
    );
    await screenshot(page, 'blocks');

    await page.goto(`${stack.webUrl}/runs/new`);
    await page.locator('[data-testid="block-select"] option', { hasText: 'my_preact' }).waitFor({ state: 'attached' });
    await page.selectOption('[data-testid="block-select"]', { label: 'my_preact' });
    expect(await page.textContent('[data-testid="block-order"]')).toContain('processing: BN, leaky_relu, conv, BN');
    await page.fill('[name="config.model.numFilters"]', '8');
    await page.fill('[name="config.model.numStages"]', '1');
    await page.fill('[name="config.model.numBlocksPerStage"]', '1');
    await page.fill('[name="config.training.epochs"]', '1');
    await page.fill('[name="config.training.batchSize"]', '50');
    await page.selectOption('[name="config.data.dataset"]', 'synthetic');
    await page.fill('[name="config.data.trainLimit"]', '100');
    await page.fill('[name="config.data.valLimit"]', '50');
    await page.fill('[name="config.data.testLimit"]', '50');
    await page.getByRole('button', { name: 'Submit run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await waitUntil(
      'the run to complete',
      async () => (await page.textContent('[data-testid="run-status"]')) === 'completed',
      120_000,
    );
    expect(await page.textContent('[data-testid="run-block"] h2')).toBe('Block: my_preact');
    expect(await page.locator('[data-testid="run-block"] g.node').count()).toBe(8 + 10); // x and 7 nodes, x and 9 nodes
    await screenshot(page, 'run-with-own-block');
  }, 360_000);

  it("another team's student sees none of these runs: the run is a 404 page, the list is empty", async () => {
    const firstRunId = (await trainedRun()).id;
    const groupId = (await trainedGroup()).id;
    await stack.createStudent('team-b', 'b1@uni.test');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const outsider = await context.newPage();
    await signIn(outsider, 'b1@uni.test', STUDENT_PASSWORD);
    await outsider
      .locator('[data-testid="runs-table"] tbody tr', { hasText: 'No runs match' })
      .waitFor({ timeout: 15_000 });
    expect(await outsider.locator('nav').textContent()).not.toContain('Workers'); // staff only
    const response = await outsider.goto(`${stack.webUrl}/runs/${firstRunId}`);
    expect([outsider.url(), response?.status()]).toEqual([`${stack.webUrl}/runs/${firstRunId}`, 404]);
    expect(await outsider.locator('[data-testid="not-found"]').count()).toBe(1);
    await outsider.goto(`${stack.webUrl}/compare?runs=${firstRunId}`);
    await outsider.locator('text=Could not load the runs').waitFor({ timeout: 15_000 });
    expect(await outsider.locator('[data-testid="compared-runs"]').count()).toBe(0);
    await screenshot(outsider, 'other-team-compare');
    // nor the group, nor the cohort (staff only)
    await outsider.goto(`${stack.webUrl}/groups/${groupId}`);
    await outsider.getByTestId('not-found').waitFor({ timeout: 15_000 });
    expect(await outsider.locator('nav').textContent()).not.toContain('Cohort');
    await context.close();
  }, 60_000);

  it('a queued run shows its place and wait; Compare follows a running run live; cancel asks first', async () => {
    await adminPage();
    const firstRunId = (await trainedRun()).id;
    const long = await api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({ name: 'long run', config: small(40, 0, 1500) }),
    });
    const queued = await api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({ name: 'waiting run', config: small(2, 0, 300) }),
    });
    await waitUntil(
      'the long run to start',
      async () => (await api<RunDto>(`/runs/${long.id}`)).status === 'running',
      30_000,
    );

    await page.goto(`${stack.webUrl}/runs/${queued.id}`);
    const place = page.locator('[data-testid="queue-position"]');
    await place.waitFor({ timeout: 15_000 });
    expect(await place.textContent()).toContain('next to start');
    await waitUntil(
      'an estimated wait',
      async () => /about .+ until it starts/.test((await place.textContent()) ?? ''),
      15_000,
    );
    await screenshot(page, 'run-queued');
    await page.getByTestId('cancel-run').click();
    await page.getByRole('button', { name: 'No' }).click(); // asked first: "No" leaves it queued
    expect((await api<RunDto>(`/runs/${queued.id}`)).status).toBe('queued');
    await page.getByTestId('cancel-run').click();
    await page.getByRole('button', { name: 'Yes, cancel run' }).click();
    await waitUntil(
      'the run cancelled',
      async () => (await page.textContent('[data-testid="run-status"]')) === 'cancelled',
      10_000,
    );

    await page.goto(`${stack.webUrl}/compare?runs=${long.id},${firstRunId}`);
    const cell = page
      .locator('[data-testid="compared-runs"] tr', { hasText: 'long run' })
      .getByTestId('compared-epochs');
    await cell.waitFor({ timeout: 15_000 });
    const before = Number((await cell.textContent())?.split(' of ')[0]);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await waitUntil(
      'Compare to move with the run',
      async () => Number((await cell.textContent())?.split(' of ')[0]) >= before + 2,
      60_000,
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page'); // no reload
    await screenshot(page, 'compare-live');
    await api(`/runs/${long.id}/cancel`, { method: 'POST' });
  }, 150_000);

  it('every page in Asia/Tokyo with de-DE: no console error, and at 390 px nothing scrolls sideways', async () => {
    const [firstRunId, failed, groupId] = [(await trainedRun()).id, await failedRun(), (await trainedGroup()).id];
    const runs = (await api<{ items: RunDto[] }>('/runs?pageSize=50')).items;
    const pages: [string, string, string][] = [
      ['runs', '/runs', '[data-testid="runs-table"] tbody tr a'],
      ['new-run', '/runs/new', '[data-testid="estimate"]'],
      ['run', `/runs/${firstRunId}`, '[data-testid="gradient-heatmap"] svg'],
      ['run-failed', `/runs/${failed.id}`, '[data-testid="run-error"]'],
      [
        'compare',
        `/compare?runs=${runs
          .map((r) => r.id)
          .slice(0, 3)
          .join(',')}&groups=${groupId}`,
        '[data-testid="compare-group-curves"] svg',
      ],
      ['workers', '/workers', '[data-testid="worker-row"]'],
      ['groups', '/groups', '[data-testid="groups"] tbody tr a'],
      ['group', `/groups/${groupId}`, '[data-testid="aggregate-curves"] svg'],
      ['cohort', '/cohort', '[data-testid="cohort-member"]'],
      ['settings', '/settings', '[data-testid="users-table"] tbody tr'],
      ['blocks', '/blocks', '[data-testid="block-graph-reduction"] svg'],
    ];
    const context = await browser.newContext({
      timezoneId: 'Asia/Tokyo',
      locale: 'de-DE',
      viewport: { width: 1440, height: 900 },
    });
    const tokyo = await context.newPage();
    const errors = collectConsoleErrors(tokyo);
    await tokyo.goto(`${stack.webUrl}/login`);
    await screenshot(tokyo, 'page-login-1440');
    await tokyo.setViewportSize({ width: 390, height: 844 });
    await screenshot(tokyo, 'page-login-390');
    expect(await tokyo.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await tokyo.setViewportSize({ width: 1440, height: 900 });
    await signIn(tokyo, stack.admin.email, stack.admin.password);
    const tooWide: string[] = [];
    for (const [name, path, ready] of pages) {
      await tokyo.setViewportSize({ width: 1440, height: 900 });
      await tokyo.goto(`${stack.webUrl}${path}`);
      await tokyo.locator(ready).first().waitFor({ timeout: 15_000 });
      await screenshot(tokyo, `page-${name}-1440`);
      await tokyo.setViewportSize({ width: 390, height: 844 });
      await tokyo.locator(ready).first().waitFor({ timeout: 15_000 });
      await sleep(600); // charts redraw for the new width
      await screenshot(tokyo, `page-${name}-390`);
      const width = await tokyo.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) tooWide.push(`${name}: ${width} px`);
    }
    // Times are the browser's own: Tokyo's clock, German notation.
    await tokyo.goto(`${stack.webUrl}/runs/${firstRunId}`);
    const started = await tokyo.locator('time').first().getAttribute('datetime');
    const expected = new Date(started as string).toLocaleString('de-DE', {
      timeZone: 'Asia/Tokyo',
      dateStyle: 'short',
      timeStyle: 'medium',
    });
    await waitUntil(
      'the start time in Tokyo',
      async () => (await tokyo.locator('time').first().textContent()) === expected,
      10_000,
    );
    expect(tooWide).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 420_000);

  it('the api unreachable: a banner and a retry instead of a blank page', async () => {
    await adminPage();
    await trainedRun();
    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.goto(`${stack.webUrl}/runs`);
    await page.locator('[data-testid="api-banner"]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="api-banner"]')).toContain('cannot be reached');
    await screenshot(page, 'api-unreachable');
    await page.unroute(`${stack.apiUrl}/**`);
    await page.getByRole('button', { name: 'Retry now' }).click();
    await waitUntil(
      'the runs after the retry',
      async () => (await page.locator('[data-testid="runs-table"] tbody tr a').count()) >= 1,
      15_000,
    );
    await page.locator('[data-testid="api-banner"]').waitFor({ state: 'detached', timeout: 15_000 });
  }, 60_000);
});
