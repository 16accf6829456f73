import { learningCurvesSpec, type CurveSeries } from '@gradlab/figures';
import type { TopLevelSpec } from 'vega-lite';
import { AXIS_PX, EMBED_ACTIONS_PX } from '../components/vega-chart';

/** Below this width the loss and accuracy panels stack, with the legend under them. */
const SIDE_BY_SIDE_PX = 760;
const LEGEND_PX = 150;

/** Figure 1 laid out for the width it has: side by side on a desktop, stacked on a phone. */
export function learningCurvesForWidth(series: CurveSeries[], width: number): TopLevelSpec {
  const usable = width - EMBED_ACTIONS_PX;
  if (usable >= SIDE_BY_SIDE_PX) return learningCurvesSpec(series, { width: Math.floor((usable - 2 * AXIS_PX - LEGEND_PX) / 2) });
  return learningCurvesSpec(series, { width: usable - AXIS_PX, height: 180, columns: 1, legend: 'bottom' });
}
