/**
 * Okabe & Ito's colour-blind-safe palette, ordered so that the first colours differ most: every figure
 * colours runs from it, so a run keeps its colour from the dashboard to the exported figure.
 */
export const RUN_PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#56B4E9',
  '#CC79A7',
  '#F0E442',
  '#000000',
] as const;

/** Viridis is perceptually uniform and readable with every common colour-vision deficiency. */
export const HEATMAP_SCHEME = 'viridis';

/** Each series' colour: its own when it has one, else the palette's in series order. */
export function runColours(series: { colour?: string }[]): string[] {
  return series.map((s, i) => s.colour ?? RUN_PALETTE[i % RUN_PALETTE.length]);
}

/**
 * Colours for runs picked together: each run takes its own colour (from a hash of its id) unless a run
 * picked earlier holds it, then the next free one. So a run keeps its colour whichever other runs are
 * picked, as long as fewer than eight are, and two picked runs never share one.
 */
export function coloursById(ids: string[]): Map<string, string> {
  const taken = new Set<number>();
  const colours = new Map<string, string>();
  for (const id of ids) {
    let index = hash(id) % RUN_PALETTE.length;
    for (let tries = 0; tries < RUN_PALETTE.length && taken.has(index); tries++)
      index = (index + 1) % RUN_PALETTE.length;
    taken.add(index);
    colours.set(id, RUN_PALETTE[index]);
  }
  return colours;
}

/** FNV-1a: a small, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
