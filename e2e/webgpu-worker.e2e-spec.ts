import type { EpochDto, GradientFlowDto, RunDto, WorkersDto } from '@gradlab/contracts';
import type { Browser, Page } from 'playwright-core';
import { collectConsoleErrors, expectCompletedRunPage, launchChromium, screenshot } from './support/browser';
import { startStack, waitUntil, type Stack } from './support/stack';

// Mesa's software renderer through Dawn's OpenGL ES backend: what this machine has for WebGPU.
const SOFTWARE_ADAPTER = /^GPU llvmpipe.*, Dawn opengles, software renderer$/;

/**
 * A worker forced onto the webgpu backend (`TF_BACKEND=webgpu npm start`, as the README's GPU section says)
 * trains a run end to end; the run and the Workers page record the backend and the adapter it ran on.
 */
describe('a webgpu worker: TF_BACKEND=webgpu npm start, a run trained and recorded', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ TF_BACKEND: 'webgpu', WEB: '1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  it('trains a small run on the webgpu backend and records it with the adapter', async () => {
    const created = await stack.api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'webgpu e2e',
        config: {
          model: { numFilters: 4, numStages: 2, numBlocksPerStage: 1, blockType: 'conv_block_bn_rc' },
          training: { epochs: 2, batchSize: 25 },
          data: { dataset: 'synthetic', trainLimit: 100, valLimit: 50, testLimit: 50 },
        },
      }),
    });
    const run = await waitUntil(
      'the run to finish',
      async () => {
        const current = await stack.api<RunDto>(`/runs/${created.id}`);
        return ['completed', 'failed'].includes(current.status) ? current : null;
      },
      240_000,
      1000,
    );
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    expect(run.backend).toBe('webgpu');
    expect(run.device).toMatch(SOFTWARE_ADAPTER);
    const epochs = await stack.api<EpochDto[]>(`/runs/${created.id}/epochs`);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    for (const e of epochs) expect([e.trainLoss, e.valLoss].every(Number.isFinite)).toBe(true);
    const flow = await stack.api<GradientFlowDto>(`/runs/${created.id}/gradient-flow`);
    for (const layer of flow.layers) expect(layer.meanAbs).toBeGreaterThan(0);

    const { workers } = await stack.api<WorkersDto>('/workers');
    expect(workers.map((w) => [w.backend, w.device])).toEqual([['webgpu', expect.stringMatching(SOFTWARE_ADAPTER)]]);
    // a software adapter is no GPU: its worker serves the cpu pool, and never makes runs wait for a GPU
    expect(workers[0].pool).toBe('cpu');
    const log = stack.logs.join('');
    expect(log).toMatch(/pool cpu: /);
    expect(log).toContain('backend webgpu (forced by TF_BACKEND)');
    expect(log).toMatch(/device GPU llvmpipe.*, Dawn opengles, software renderer/);

    // As a person sees it: the run page and the Workers page name the backend and the adapter.
    const errors = collectConsoleErrors(page);
    await page.goto(`${stack.webUrl}/login`);
    await page.fill('[name="email"]', stack.admin.email);
    await page.fill('[name="password"]', stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/runs$/, { timeout: 15_000 });
    await expectCompletedRunPage(page, `${stack.webUrl}/runs/${created.id}`);
    expect(await page.textContent('[data-testid="run-backend"]')).toMatch(
      /^backend: webgpu on GPU llvmpipe.*software renderer$/,
    );
    await screenshot(page, 'webgpu-run');
    await page.goto(`${stack.webUrl}/workers`);
    await page.locator('[data-testid="worker-device"]').first().waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid="worker-device"]')).toMatch(SOFTWARE_ADAPTER);
    await screenshot(page, 'webgpu-workers');
    expect(errors).toEqual([]);
  }, 300_000);
});
