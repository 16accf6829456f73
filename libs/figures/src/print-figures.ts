import { FIGURE_WIDTHS_IN, type AggregateDto, type GradientFlowDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { aggregateCurvesSpec, aggregateGradientFlowSpec, type AggregateSeries } from './aggregate.figure';
import { gradientFlowSpec, type FlowSeries } from './gradient-flow.figure';
import { gradientHeatmapSpec } from './gradient-heatmap.figure';
import type { GradientStatistic } from './gradient-statistic';
import { learningCurvesSpec, type CurveLegend, type CurveSeries } from './learning-curves.figure';
import { textWidthPt } from './text-width';

/**
 * Figures for a two-column report, one layout for every kind and width (column 3.25 in, page 6.75 in): the
 * renderer (render-figure.ts) fits each to exactly its width and to the height it asks for (usermeta.print),
 * text at 8 pt (titles 9 pt), keys below the plots in rows that never narrow them, long run names shortened
 * the same way everywhere (shortLabels), per-layer axes labelled by stage (layerAxis).
 */
export type PrintWidth = keyof typeof FIGURE_WIDTHS_IN;

/** What the renderer fits a print figure to. */
export interface PrintFit {
  widthPt: number;
  heightPt: number;
  /** Panels side by side, which share the width. */
  panels: number;
}

export const POINTS_PER_INCH = 72;
export const printWidthPt = (width: PrintWidth) => FIGURE_WIDTHS_IN[width] * POINTS_PER_INCH;

/** Label and title sizes at the printed size. */
export const PRINT_TEXT = { label: 8, title: 9 } as const;

/** Short axis titles, shorter than a column's plot is tall (about 110 pt): the log scale shows in its decades. */
export const PRINT_STATISTIC_TITLES: Record<GradientStatistic, string> = {
  lastBatchMeanAbs: 'mean |g|, last batch',
  meanAbs: 'mean |g|, epoch',
  updateRatio: 'update / weight',
};

/** Height / width of each kind's figure, before rows of keys: a column is 0.6 to 0.8, a page wider. */
const HEIGHT_RATIO = {
  curves: { column: 0.66, page: 0.4 },
  flow: { column: 0.66, page: 0.38 },
  heatmap: { column: 0.76, page: 0.5 },
};
/** A key's row at 8 pt, and the most a column's figure grows for them. */
const KEY_ROW_PT = 11;
/** The most rows a run key takes before its names are shortened into more entries a row: a column's plots keep their share. */
const MAX_RUN_KEY_ROWS: Record<PrintWidth, number> = { column: 3, page: 4 };
const MAX_COLUMN_RATIO = 0.8;

/** A key entry's symbol, gaps and padding at 8 pt, beside its name. */
const ENTRY_PT = 28;
/** The narrowest average character of a name: lower case in DejaVu Sans at 8 pt is 4.4 to 5 pt. */
const MIN_CHAR_PT = 4.4;
const ELLIPSIS_PT = textWidthPt('…', PRINT_TEXT.label);

/** The room a key below the plots loses on the left: it starts where the plots do, after the y axis. */
const Y_AXIS_PT = { curves: 26, flow: 52 };

/** The least room a name is given for more entries a row, about 10 letters (shortLabels keeps names told apart by their ends). */
const MIN_LABEL_PT = 46;

export interface KeyLayout {
  columns: number;
  /** Names are shortened to this many characters (shortLabels). */
  labelMax: number;
  /** The room each name has, in points. */
  labelLimitPt: number;
  rows: number;
}

/**
 * How a key of these names fits `roomPt`: as many entries a row as keep every name whole, or at 24 characters
 * at least; names longer than a row's room shortened (shortLabels). Characters are as wide as the widest name's
 * average in DejaVu Sans (capitals take more room than lower case). Where that takes more than `maxRows` rows
 * (many runs in a column), more entries a row, down to about 10 letters a name, so the key leaves the plot its
 * height.
 */
export function keyLayout(names: string[], roomPt: number, maxRows = Infinity): KeyLayout {
  const room = roomPt - 4;
  const charPt = Math.max(MIN_CHAR_PT, ...names.map((n) => textWidthPt(n, PRINT_TEXT.label) / Math.max(1, n.length)));
  const longest = Math.max(1, ...names.map((n) => n.length));
  const at = (columns: number): KeyLayout => {
    const labelLimitPt = Math.floor(room / columns - ENTRY_PT);
    const whole = Math.floor(labelLimitPt / charPt);
    // A shortened name carries up to two '…', each wider than a letter.
    const labelMax = longest <= whole ? whole : Math.floor((labelLimitPt - 2 * (ELLIPSIS_PT - charPt)) / charPt);
    return { columns, labelMax, labelLimitPt, rows: Math.ceil(names.length / columns) };
  };
  let layout = at(1);
  for (let columns = Math.min(names.length, Math.max(1, Math.floor(room / 120))); columns > 1; columns--) {
    if (at(columns).labelMax >= Math.min(longest, 24)) {
      layout = at(columns);
      break;
    }
  }
  for (
    let columns = layout.columns + 1;
    layout.rows > maxRows && columns <= names.length && at(columns).labelLimitPt >= MIN_LABEL_PT;
    columns++
  )
    layout = at(columns);
  return layout;
}

function fitFor(kind: keyof typeof HEIGHT_RATIO, width: PrintWidth, keyRows: number, panels: number): PrintFit {
  const widthPt = printWidthPt(width);
  const grow = width === 'column' ? MAX_COLUMN_RATIO * widthPt : Infinity;
  return {
    widthPt,
    heightPt: Math.round(Math.min(grow, HEIGHT_RATIO[kind][width] * widthPt + keyRows * KEY_ROW_PT)),
    panels,
  };
}

function withFit(spec: TopLevelSpec, fit: PrintFit): TopLevelSpec {
  return { ...spec, usermeta: { print: fit } } as TopLevelSpec;
}

/** Figure 1 of one run or several: loss and accuracy side by side, the keys below. */
export function printLearningCurves(series: CurveSeries[], width: PrintWidth): TopLevelSpec {
  const { legend, keyRows } = curveKeys(
    series.map((s) => s.label),
    width,
  );
  return withFit(learningCurvesSpec(series, { width: 80, height: 80, legend }), fitFor('curves', width, keyRows, 2));
}

/** Figure 1 over seeds (mean ± std), laid out as printLearningCurves. */
export function printAggregateCurves(series: AggregateSeries[], width: PrintWidth): TopLevelSpec {
  const { legend, keyRows } = curveKeys(
    series.map((s) => s.label),
    width,
  );
  // The axes say what the band is: the key below names only groups, and one group needs no key.
  const yTitles = { loss: ['Loss', 'mean ± std'], accuracy: ['Accuracy', 'mean ± std'] };
  return withFit(
    aggregateCurvesSpec(series, { width: 80, height: 80, legend, yTitles }),
    fitFor('curves', width, keyRows, 2),
  );
}

/** The line-style key in one column: train, validation, chance. */
const LINE_KEY_PT = 78;

/**
 * The keys below Figure 1's panels: for one run, the line-style key alone in one row. For several, the run
 * key above the line-style key in its row, or, where that takes more rows (four runs or more), beside it in a
 * column of three: three runs then take three rows, not four, at the cost of shorter names.
 */
function curveKeys(names: string[], width: PrintWidth): { legend: CurveLegend; keyRows: number } {
  if (names.length === 1) return { legend: { orient: 'bottom', titles: false }, keyRows: 1 };
  const stacked = keyLayout(names, printWidthPt(width) - Y_AXIS_PT.curves, MAX_RUN_KEY_ROWS[width]);
  const beside = keyLayout(names, printWidthPt(width) - Y_AXIS_PT.curves - LINE_KEY_PT, MAX_RUN_KEY_ROWS[width] + 1);
  if (stacked.rows + 1 <= Math.max(3, beside.rows))
    return { legend: { orient: 'bottom', ...keyOf(stacked), titles: false }, keyRows: stacked.rows + 1 };
  return {
    legend: { orient: 'bottom', ...keyOf(beside), titles: false, sideBySide: true },
    keyRows: Math.max(3, beside.rows),
  };
}

const keyOf = ({ columns, labelMax, labelLimitPt }: KeyLayout) => ({ columns, labelMax, labelLimitPt });

/** Gradient flow: one run per layer in network order, or several by relative depth, keyed below. */
export function printGradientFlow(
  series: FlowSeries[],
  width: PrintWidth,
  options: { statistic?: GradientStatistic; byRelativeDepth?: boolean } = {},
): TopLevelSpec {
  const statistic = options.statistic ?? 'lastBatchMeanAbs';
  const names = series.map((s) => s.label);
  const layout = keyLayout(names, printWidthPt(width) - Y_AXIS_PT.flow, MAX_RUN_KEY_ROWS[width]);
  const legend: CurveLegend = { orient: 'bottom', ...keyOf(layout), titles: false };
  const spec = gradientFlowSpec(series, {
    ...options,
    statistic,
    width: 150,
    height: 80,
    legend,
    yTitle: PRINT_STATISTIC_TITLES[statistic],
    xTitle: 'Relative depth',
  });
  return withFit(splitTitleLines(spec), fitFor('flow', width, series.length > 1 ? layout.rows : 0, 1));
}

/** A group's gradient flow: the geometric mean over seeds in its band. */
export function printAggregateGradientFlow(
  layers: AggregateDto['gradientFlow'][number]['layers'],
  width: PrintWidth,
  statistic: GradientStatistic,
): TopLevelSpec {
  const spec = aggregateGradientFlowSpec(layers, {
    statistic: statistic as never,
    width: 150,
    height: 80,
    yTitle: `${PRINT_STATISTIC_TITLES[statistic]}\ngeometric mean ± std`,
  });
  return withFit(splitTitleLines(spec), fitFor('flow', width, 0, 1));
}

/** The layer x epoch heatmap, its colour key below. */
export function printGradientHeatmap(
  history: GradientFlowDto[],
  width: PrintWidth,
  statistic: GradientStatistic,
): TopLevelSpec {
  const spec = gradientHeatmapSpec(history, {
    statistic,
    width: 150,
    height: 80,
    legend: 'bottom',
    colourTitle: PRINT_STATISTIC_TITLES[statistic].split(', '),
    gradientLength: width === 'column' ? 80 : 200,
  });
  return withFit(spec, fitFor('heatmap', width, 2, 1));
}

/** Axis titles given with '\n' as Vega's lines (an array), so a title stacks instead of running long. */
function splitTitleLines(spec: TopLevelSpec): TopLevelSpec {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        key === 'title' && typeof value === 'string' && value.includes('\n') ? value.split('\n') : visit(value),
      ]),
    );
  };
  return visit(spec) as TopLevelSpec;
}
