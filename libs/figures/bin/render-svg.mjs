#!/usr/bin/env node
// Renders a Vega-Lite spec (JSON on stdin) to SVG on stdout, headless: the same specs the dashboard draws,
// as a vector file for a report. Vega and Vega-Lite ship as ES modules only, hence a script of its own.
// `--scene`: JSON instead, { svg, scene }, the scene being every text's and plot's box on the canvas, for
// checking a figure's layout (layout-rules.ts) and fitting it to its size (render-figure.ts).
import { createRequire } from 'node:module';
import path from 'node:path';
import { compile } from 'vega-lite';
import { parse, textMetrics, View } from 'vega';

const require = createRequire(import.meta.url);
const fontkit = require('fontkit');
const FONT = fontkit.openSync(
  path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf/DejaVuSans.ttf'),
);
const widths = new Map();

/**
 * Text widths from DejaVu Sans's own advances, the font every format embeds or draws: Vega's estimate without a
 * canvas is narrower, so legends and labels were laid out shorter than they print, and overlapped.
 */
textMetrics.width = (item, text) => {
  const size = item.fontSize ?? 11;
  const line = String(text ?? '');
  let unit = widths.get(line);
  if (unit === undefined) {
    unit = FONT.layout(line).advanceWidth / FONT.unitsPerEm;
    widths.set(line, unit);
  }
  return unit * size;
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const view = new View(parse(compile(JSON.parse(input)).spec), { renderer: 'none' });
const svg = await view.toSVG();
if (!process.argv.includes('--scene')) {
  process.stdout.write(svg);
} else {
  const [width, height] = [/<svg[^>]*\swidth="([\d.]+)"/, /<svg[^>]*\sheight="([\d.]+)"/].map((re) =>
    Number(re.exec(svg)?.[1]),
  );
  const [originX, originY] = view.origin();
  const texts = [];
  const plots = [];
  const legends = [];
  const box = (b, x, y) => ({ x1: b.x1 + x, y1: b.y1 + y, x2: b.x2 + x, y2: b.y2 + y });
  const walk = (mark, x, y) => {
    for (const item of mark.items ?? []) {
      if (
        mark.marktype === 'text' &&
        item.text !== undefined &&
        String(item.text).trim() !== '' &&
        item.opacity !== 0 &&
        item.bounds
      )
        texts.push({
          text: [].concat(item.text).join(' '),
          role: mark.role ?? '',
          fontSize: item.fontSize ?? 11,
          ...box(item.bounds, x, y),
        });
      if (mark.marktype !== 'group') continue;
      // A view's plotting area: the group of a single or concatenated view that holds its axes.
      if (mark.role === 'scope' && /(^|_)group$|^cell$/.test(mark.name ?? '') && item.width > 0 && item.height > 0)
        plots.push({
          name: mark.name,
          x1: item.x + x,
          y1: item.y + y,
          x2: item.x + x + item.width,
          y2: item.y + y + item.height,
        });
      if (mark.role === 'legend' && item.bounds) legends.push(box(item.bounds, x, y));
      for (const child of item.items ?? []) walk(child, x + (item.x ?? 0), y + (item.y ?? 0));
    }
  };
  walk(view.scenegraph().root, originX, originY);
  // A single view has no group of its own: its plotting area is the root's.
  if (plots.length === 0)
    plots.push({ name: 'view', x1: originX, y1: originY, x2: originX + view.width(), y2: originY + view.height() });
  process.stdout.write(JSON.stringify({ svg, scene: { width, height, texts, plots, legends } }));
}
