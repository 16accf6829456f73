import type { Box, FigureScene } from './render-svg';

/** What a print figure must be (issue: figures that go into a two-column report as they are). */
export interface LayoutRules {
  widthPt: number;
  /** Panels side by side. */
  panels: number;
  /** Height / width allowed; a column's figure is about 0.6 to 0.8. */
  heightRatio: [number, number];
  /** Where keys may be: below every plot, or inside one. */
  legend: 'below' | 'below-or-inside';
}

/** The plotting areas' share of the figure each number of panels side by side must reach. */
export const MIN_PLOT_SHARE: Record<number, number> = { 1: 0.5, 2: 0.4 };
/** Text at the printed size, in points. */
export const TEXT_SIZE_PT: [number, number] = [8, 9];
/** A horizontal band of the figure with nothing in it, as a share of its height, that counts as empty. */
const EMPTY_BAND = 0.08;
/** Half a point: what the renderer's rounding can leave. */
const SLACK = 0.5;

const overlaps = (a: Box, b: Box) =>
  Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > SLACK && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > SLACK;
const area = (b: Box) => Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);

/** Every way the scene breaks the rules, in words; none for a figure that keeps them. */
export function layoutViolations(scene: FigureScene, rules: LayoutRules): string[] {
  const found: string[] = [];
  const { width, height } = scene;
  if (Math.abs(width - rules.widthPt) > SLACK) found.push(`width ${width} pt, asked ${rules.widthPt}`);
  const ratio = height / width;
  if (ratio < rules.heightRatio[0] || ratio > rules.heightRatio[1])
    found.push(`height ${height} pt is ${ratio.toFixed(2)} of the width, not ${rules.heightRatio.join(' to ')}`);

  const plotArea = scene.plots.reduce((sum, p) => sum + area(p), 0);
  const share = plotArea / (width * height);
  const needed = MIN_PLOT_SHARE[rules.panels] ?? 0.4;
  if (scene.plots.length !== rules.panels) found.push(`${scene.plots.length} plotting areas, expected ${rules.panels}`);
  if (share < needed)
    found.push(`the plots take ${(share * 100).toFixed(0)}% of the figure, at least ${needed * 100}% asked`);

  for (const t of scene.texts) {
    if (t.x1 < -SLACK || t.y1 < -SLACK || t.x2 > width + SLACK || t.y2 > height + SLACK)
      found.push(`"${t.text}" runs outside the canvas`);
    if (t.fontSize < TEXT_SIZE_PT[0] || t.fontSize > TEXT_SIZE_PT[1])
      found.push(`"${t.text}" is ${t.fontSize} pt, not ${TEXT_SIZE_PT.join('-')}`);
  }
  scene.texts.forEach((a, i) => {
    for (const b of scene.texts.slice(i + 1)) if (overlaps(a, b)) found.push(`"${a.text}" overlaps "${b.text}"`);
  });

  const lowestPlot = Math.max(...scene.plots.map((p) => p.y2));
  for (const legend of scene.legends) {
    const inside = scene.plots.some(
      (p) =>
        legend.x1 >= p.x1 - SLACK &&
        legend.x2 <= p.x2 + SLACK &&
        legend.y1 >= p.y1 - SLACK &&
        legend.y2 <= p.y2 + SLACK,
    );
    const below = legend.y1 >= lowestPlot - SLACK;
    if (!(below || (rules.legend === 'below-or-inside' && inside)))
      found.push(
        `a key at (${legend.x1.toFixed(0)}, ${legend.y1.toFixed(0)}) is neither below the plots nor inside one`,
      );
  }

  // Empty bands: horizontal strips that neither text, plot nor key reaches.
  const filled = [...scene.texts, ...scene.plots, ...scene.legends]
    .map((b) => [Math.max(0, b.y1), Math.min(height, b.y2)])
    .sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [top, bottom] of [...filled, [height, height]]) {
    if (top - reached > EMPTY_BAND * height)
      found.push(`an empty band from ${reached.toFixed(0)} to ${top.toFixed(0)} pt`);
    reached = Math.max(reached, bottom);
  }
  return found;
}
