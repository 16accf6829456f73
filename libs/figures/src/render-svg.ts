import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

const RENDER_SCRIPT = path.join(__dirname, '../bin/render-svg.mjs');

/** A box on the figure's canvas, in its units (points for print: one SVG unit is one point). */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Where a rendered figure put its text, plotting areas and legends (Vega's scenegraph, with DejaVu Sans's widths). */
export interface FigureScene {
  width: number;
  height: number;
  texts: (Box & { text: string; role: string; fontSize: number })[];
  /** One per panel: the area inside its axes. */
  plots: (Box & { name: string })[];
  legends: Box[];
}

/**
 * A figure spec as an SVG file's text, rendered headless by Vega (Node only; not exported from the index,
 * which browsers load). Vega ships as ES modules only, so it runs in a child process.
 */
export function renderSvg(spec: TopLevelSpec): string {
  return execFileSync(process.execPath, [RENDER_SCRIPT], {
    input: JSON.stringify(spec),
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

/** The SVG, and where everything went in it: for fitting a figure to its size, and for checking its layout. */
export function renderScene(spec: TopLevelSpec): { svg: string; scene: FigureScene } {
  return JSON.parse(
    execFileSync(process.execPath, [RENDER_SCRIPT, '--scene'], {
      input: JSON.stringify(spec),
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  );
}
