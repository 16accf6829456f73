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

/**
 * Figure 1 laid out for print at `widthPt` points (8-9 pt text): a column holds the two panels side by side
 * with the legend under them; a page, with the legend beside them.
 */
export function learningCurvesForPrint(series: CurveSeries[], widthPt: number): TopLevelSpec {
  const axis = 45; // labels, title and padding of a y axis at 8-9 pt
  if (widthPt < 300) return learningCurvesSpec(series, { width: Math.floor((widthPt - 2 * axis - 30) / 2), height: 100, legend: 'bottom' });
  return learningCurvesSpec(series, { width: Math.floor((widthPt - 2 * axis - 110) / 2), height: 150 });
}
