import type { TopLevelSpec } from 'vega-lite';
import { CHANCE } from './learning-curves.figure';

export type TexFigure = 'learning-curves' | 'gradient-flow' | 'gradient-heatmap';

interface TexOptions {
  /** Printed width, in inches. */
  widthIn: number;
  title?: string;
  legend: boolean;
}

type Row = Record<string, unknown>;

/** Text safe inside LaTeX: every special character escaped. */
export function texEscape(text: string): string {
  const map: Record<string, string> = {
    '\\': '\\textbackslash{}',
    '{': '\\{',
    '}': '\\}',
    $: '\\$',
    '&': '\\&',
    '#': '\\#',
    _: '\\_',
    '%': '\\%',
    '~': '\\textasciitilde{}',
    '^': '\\textasciicircum{}',
  };
  // The triangle that marks exact zeros has a LaTeX name; other characters past Latin-1 have no glyph in T1.
  const escaped = text.replace(/[\\{}$&#_%~^]/g, (c) => map[c]).replace(/▽/g, '$\\bigtriangledown$');
  return Array.from(escaped, (ch) => ((ch.codePointAt(0) ?? 0) > 0xff ? '?' : ch)).join('');
}

/**
 * A figure as pgfplots in a standalone LaTeX document that compiles with pdflatex on its own: the data the
 * figure plots (the spec's, so exactly what the SVG shows), the runs' colours, train solid and validation
 * dashed, chance dotted, log axes where the figure has them. Paste the tikzpicture into a report, or
 * \includegraphics the PDF it compiles to.
 */
export function figureTex(figure: TexFigure, spec: TopLevelSpec, options: TexOptions): string {
  const rows = ((spec as { data?: { values?: Row[] } }).data?.values ?? []) as Row[];
  const colours = runColours(spec);
  const names = [...colours.keys()];
  const colourDefs = names.map((name, i) => `\\definecolor{run${i}}{HTML}{${(colours.get(name) ?? '#000000').replace('#', '')}}`).join('\n');
  const colourOf = (run: unknown) => `run${Math.max(0, names.indexOf(String(run)))}`;
  const width = `${options.widthIn}in`;
  let body: string;
  if (figure === 'learning-curves') body = learningCurves(rows, names, colourOf, width, options);
  else if (figure === 'gradient-flow') body = gradientFlow(spec, rows, names, colourOf, width, options);
  else body = heatmap(spec, rows, width);
  const title = options.title ? `\\node[anchor=south, font=\\footnotesize] at (current bounding box.north) {${texEscape(options.title)}};\n` : '';
  return [
    '% gradlab figure: pgfplots in a standalone document (pdflatex figure.tex)',
    '\\documentclass[border=2pt]{standalone}',
    '\\usepackage[T1]{fontenc}',
    '\\usepackage{pgfplots}',
    '\\usetikzlibrary{calc}',
    '\\pgfplotsset{compat=1.17, every axis/.append style={font=\\scriptsize, label style={font=\\footnotesize}, tick label style={font=\\scriptsize}, legend style={font=\\scriptsize}}}',
    colourDefs,
    '\\begin{document}',
    '\\begin{tikzpicture}',
    body,
    title,
    '\\end{tikzpicture}',
    '\\end{document}',
    '',
  ].join('\n');
}

/** The colour of every run, in legend order, from the spec's colour scale. */
function runColours(spec: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const color = (node as { color?: { field?: string; scale?: { domain?: string[]; range?: string[] } } }).color;
    if (color?.field === 'run' && color.scale?.domain && color.scale.range && found.size === 0) {
      color.scale.domain.forEach((name, i) => found.set(name, color.scale?.range?.[i] ?? '#000000'));
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(spec);
  return found;
}

const coordinates = (points: [number, number][]) => points.map(([x, y]) => `(${x},${y})`).join(' ');

function learningCurves(rows: Row[], runs: string[], colourOf: (run: unknown) => string, width: string, options: TexOptions): string {
  const lastEpoch = Math.max(1, ...rows.map((r) => Number(r.epoch)));
  const panel = (metric: 'loss' | 'accuracy', at: string) => {
    const scale = metric === 'accuracy' ? 100 : 1;
    const plots = runs.flatMap((run) =>
      (['train', 'validation'] as const).map((split) => {
        const points = rows
          .filter((r) => r.run === run && r.split === split && r.metric === metric)
          .map((r): [number, number] => [Number(r.epoch), Number(r.value) * scale]);
        const legend = metric === 'accuracy' && options.legend ? `\n\\addlegendentry{${texEscape(run)}, ${split}}` : '';
        return `\\addplot[color=${colourOf(run)}, ${split === 'train' ? 'solid' : 'dashed'}, thick, mark=*, mark size=0.8pt] coordinates {${coordinates(points)}};${legend}`;
      }),
    );
    const chance = CHANCE[metric] * scale;
    const label = metric === 'loss' ? 'Loss' : 'Accuracy (\\%)';
    return [
      `\\begin{axis}[name=${metric}, ${at} width=0.5*${width}, height=0.42*${width}, scale only axis=false, xlabel={Epoch}, ylabel={${label}}, xmin=0, xmax=${lastEpoch}, xtick distance=1, grid=major, grid style={gray!25}${metric === 'accuracy' && options.legend ? ', legend to name=curveslegend, legend columns=2' : ''}]`,
      ...plots,
      `\\addplot[gray, densely dotted, domain=0:${lastEpoch}, samples=2, forget plot] {${chance}};`,
      `\\node[anchor=south east, font=\\tiny, text=gray] at (rel axis cs:1,0) {chance};`,
      '\\end{axis}',
    ].join('\n');
  };
  return [
    panel('loss', ''),
    panel('accuracy', 'at={(loss.east)}, anchor=west, xshift=1.2cm,'),
    options.legend ? '\\node[anchor=north] at ($(loss.south)!0.5!(accuracy.south)+(0,-0.9cm)$) {\\pgfplotslegendfromname{curveslegend}};' : '',
  ].join('\n');
}

function gradientFlow(spec: unknown, rows: Row[], runs: string[], colourOf: (run: unknown) => string, width: string, options: TexOptions): string {
  const byDepth = JSON.stringify(spec).includes('"field":"relativeDepth"');
  const yTitle = String((spec as { encoding?: { y?: { title?: string } } }).encoding?.y?.title ?? 'mean |g| (log scale)');
  const layerNames = [...new Map(rows.map((r) => [Number(r.layerIndex), String(r.layer)])).entries()].sort((a, b) => a[0] - b[0]);
  const every = Math.max(1, Math.ceil(layerNames.length / 24));
  const xAxis = byDepth
    ? 'xlabel={Relative depth (0 = first layer, 1 = classifier)}, xmin=0, xmax=1'
    : `xlabel={Layer (network order)}, xtick={${layerNames
        .filter((_, i) => i % every === 0)
        .map(([i]) => i)
        .join(',')}}, xticklabels={${layerNames
        .filter((_, i) => i % every === 0)
        .map(([, n]) => `{${texEscape(n)}}`)
        .join(',')}}, x tick label style={rotate=60, anchor=east, font=\\tiny}`;
  const x = (r: Row) => (byDepth ? Number(r.relativeDepth) : Number(r.layerIndex));
  const plots = runs.flatMap((run) => {
    const mine = rows.filter((r) => r.run === run);
    const line = `\\addplot[color=${colourOf(run)}, thick, mark=*, mark size=0.8pt] coordinates {${coordinates(mine.filter((r) => !r.zero).map((r) => [x(r), Number(r.plotted)]))}};${options.legend && runs.length > 1 ? `\n\\addlegendentry{${texEscape(run)}}` : ''}`;
    const zeros = mine.filter((r) => r.zero);
    return zeros.length
      ? [
          line,
          `\\addplot[color=${colourOf(run)}, only marks, mark=triangle, mark options={rotate=180}, forget plot] coordinates {${coordinates(zeros.map((r) => [x(r), Number(r.plotted)]))}};`,
        ]
      : [line];
  });
  return [
    `\\begin{semilogyaxis}[width=${width}, height=0.55*${width}, ${xAxis}, ylabel={${texEscape(yTitle)}}, grid=major, grid style={gray!25}, legend pos=outer north east]`,
    ...plots,
    '\\end{semilogyaxis}',
  ].join('\n');
}

function heatmap(spec: unknown, rows: Row[], width: string): string {
  const title = String((spec as { encoding?: { color?: { title?: string } } }).encoding?.color?.title ?? 'mean |g|');
  const epochs = [...new Set(rows.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const layers = [...new Map(rows.map((r) => [Number(r.layerIndex), String(r.layer)])).entries()].sort((a, b) => a[0] - b[0]);
  const value = new Map(rows.map((r) => [`${r.layerIndex}:${r.epoch}`, Number(r.plotted)]));
  const table = layers.flatMap(([layer], row) => epochs.map((epoch) => `${epoch} ${row} ${Math.log10(value.get(`${layer}:${epoch}`) ?? NaN)}`));
  const every = Math.max(1, Math.ceil(layers.length / 40));
  return [
    `\\begin{axis}[width=${width}, height=${Math.max(4, layers.length * 0.28)}cm, enlargelimits=false, y dir=reverse, xlabel={Epoch}, ylabel={Layer (network order)}, xtick={${epochs.join(',')}}, ytick={${layers
      .map((_, i) => i)
      .filter((i) => i % every === 0)
      .join(',')}}, yticklabels={${layers
      .filter((_, i) => i % every === 0)
      .map(([, n]) => `{${texEscape(n)}}`)
      .join(
        ',',
      )}}, y tick label style={font=\\tiny}, colormap/viridis, colorbar, colorbar style={ylabel={${texEscape(title)} (log$_{10}$)}}, unbounded coords=jump]`,
    `\\addplot[matrix plot*, point meta=explicit, mesh/cols=${epochs.length}] table[meta index=2] {`,
    ...table,
    '};',
    '\\end{axis}',
  ].join('\n');
}
