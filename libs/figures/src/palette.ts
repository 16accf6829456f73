/**
 * Okabe & Ito's colour-blind-safe palette, ordered so that the first colours differ most: every figure
 * colours runs from it, so a run keeps its colour from the dashboard to the exported figure.
 */
export const RUN_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'] as const;

/** Viridis is perceptually uniform and readable with every common colour-vision deficiency. */
export const HEATMAP_SCHEME = 'viridis';
