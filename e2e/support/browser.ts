import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitUntil } from './stack';

/** Debian's chromium (apt-get install chromium); test tools never download a browser here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-artifacts/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without these, chromium keeps calling Google's hosts, which this network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Full-page screenshot kept among the test artifacts. The file is written after the capture, outside its
 * time limit: on a CI machine busy flushing a fresh install to disk, a write can wait for seconds.
 * On 2 cores shared with a training worker, chromium once took over 30 s to hand back one capture (CI,
 * stop 29): the capture gets 60 s and one more try, and a failure names the screenshot. The pages' checks
 * are the tests' own assertions; a screenshot is what a person looks at afterwards.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const capture = () => page.screenshot({ fullPage: true, animations: 'disabled', timeout: 60_000 });
  const png = await capture().catch((error: Error) => {
    console.warn(`screenshot ${name}: ${error.message.split('\n')[0]}; trying once more`);
    return capture().catch((again: Error) => {
      throw new Error(`screenshot ${name}: ${again.message}`);
    });
  });
  writeFileSync(path.join(SCREENSHOT_DIR, `${name}.png`), png);
}

/** Every console error and uncaught exception of a page, as text, from now on. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return errors;
}

/** Opens a run's page and waits until it shows the run completed, with its learning curves drawn. */
export async function expectCompletedRunPage(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
  await waitUntil(
    'the run page',
    async () => (await page.textContent('[data-testid="run-status"]').catch(() => null)) === 'completed',
    20_000,
  );
  await page.locator('[data-testid="learning-curves"] svg.marks').waitFor({ timeout: 15_000 });
}
