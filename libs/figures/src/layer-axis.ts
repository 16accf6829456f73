/** Where a layer sits in the coursework network: the entry convolution, a stage (0, 1, ...), or the classifier. */
export function layerStage(shortName: string): string {
  if (shortName.startsWith('input_conv')) return 'entry';
  if (shortName.startsWith('logit')) return 'head';
  const stage = /(?:^|_)block_(\d+)|aux_classifier_(\d+)/.exec(shortName);
  return stage ? `stage ${stage[1] ?? stage[2]}` : shortName;
}

export interface LayerAxis {
  /** The positions (0, 1, ... in network order; halfway between layers too) that carry a label. */
  ticks: number[];
  /** The label at each of those positions. */
  labels: Record<number, string>;
  /** Positions halfway between the last layer of a stage and the first of the next: where to draw a rule. */
  boundaries: number[];
}

/**
 * A per-layer axis that stays readable at any depth: one label per stage (stage 0, stage 1, ...), in the middle
 * of its layers, and a rule at each boundary between stages, the entry's and the head's included. A VGG_38's 38 to 77 weight layers named
 * one by one at 8 pt need about five times a column's width; a layer's own name is in the tooltip and the CSV.
 */
export function layerAxis(layerNames: string[]): LayerAxis {
  const stages: { name: string; first: number; last: number }[] = [];
  layerNames.forEach((name, i) => {
    const stage = layerStage(name);
    if (stages.at(-1)?.name === stage) (stages.at(-1) as { last: number }).last = i;
    else stages.push({ name: stage, first: i, last: i });
  });
  // The entry and the head are a layer or two each: their labels would sit on their neighbours', so their
  // rules alone mark them (the first and the last points), unless they are all there is.
  const inner = stages.filter((s) => s.name !== 'entry' && s.name !== 'head');
  const labelled = inner.length ? inner : stages;
  const ticks = labelled.map((s) => (s.first + s.last) / 2);
  return {
    ticks,
    labels: Object.fromEntries(labelled.map((s, i) => [ticks[i], s.name])),
    boundaries: stages.slice(1).map((s) => s.first - 0.5),
  };
}

/** A Vega expression giving each tick's label from its position (`datum.value`). */
export function labelExpression(labels: Record<number, string>): string {
  return `${JSON.stringify(labels)}[datum.value] || ''`;
}

/** The x encoding of a per-layer plot: `position` (0, 1, ... in network order) on a layerAxis labelled by stage. */
export function layerPositionX(layerCount: number, axis: LayerAxis) {
  return {
    field: 'position',
    type: 'quantitative' as const,
    title: 'Layer (network order)',
    scale: { domain: [-0.5, Math.max(0.5, layerCount - 0.5)], nice: false, zero: false },
    axis: {
      values: axis.ticks,
      labelExpr: labelExpression(axis.labels),
      labelAngle: 0,
      grid: false,
      // The entry's and the head's labels, a layer or two from the ends, align with them instead of spilling over.
      labelFlush: 12,
      labelOverlap: false,
    },
  };
}
