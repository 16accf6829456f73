import type { TopLevelSpec } from 'vega-lite';
import { learningCurvesSpec, type CurveSeries } from './learning-curves.figure';

/** Room for a y axis with its title and labels, and for a legend beside a chart. */
const AXIS = 75;
const LEGEND = 150;
/** Below this width the loss and accuracy panels of Figure 1 stack, with the legend under them. */
const SIDE_BY_SIDE = 760;

/**
 * A single-view spec (one chart, its axes and legend) made to fit `width` as a whole: Vega shrinks the plot
 * to leave room for the axes and legend.
 */
export function fitWidth(spec: TopLevelSpec, width: number): TopLevelSpec {
  return { ...spec, width, autosize: { type: 'fit-x', contains: 'padding' } } as TopLevelSpec;
}

/** Figure 1 laid out for a screen `width` px wide: side by side on a desktop, stacked on a phone. */
export function learningCurvesForWidth(series: CurveSeries[], width: number): TopLevelSpec {
  if (width >= SIDE_BY_SIDE) return learningCurvesSpec(series, { width: Math.floor((width - 2 * AXIS - LEGEND) / 2) });
  return learningCurvesSpec(series, { width: width - AXIS, height: 180, columns: 1, legend: 'bottom' });
}
