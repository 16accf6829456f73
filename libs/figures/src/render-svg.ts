import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

const RENDER_SCRIPT = path.join(__dirname, '../bin/render-svg.mjs');

/**
 * A figure spec as an SVG file's text, rendered headless by Vega (Node only; not exported from the index,
 * which browsers load). Vega ships as ES modules only, so it runs in a child process.
 */
export function renderSvg(spec: TopLevelSpec): string {
  return execFileSync(process.execPath, [RENDER_SCRIPT], { input: JSON.stringify(spec), maxBuffer: 64 * 1024 * 1024 }).toString();
}
