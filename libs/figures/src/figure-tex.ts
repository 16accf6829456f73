import type { TopLevelSpec } from 'vega-lite';
import { layerAxis } from './layer-axis';
import { CHANCE } from './learning-curves.figure';
import { shortLabels } from './labels';

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
  const escaped = text
    .replace(/[\\{}$&#_%~^]/g, (c) => map[c])
    .replace(/▽/g, '$\\bigtriangledown$')
    .replace(/…/g, '\\ldots{}');
  return Array.from(escaped, (ch) => ((ch.codePointAt(0) ?? 0) > 0xff ? '?' : ch)).join('');
}

/** A label as TeX sets it: escaped, with its mathematics as mathematics (|g| as $|g|$, ln 100, ±, ×, ÷). */
export function texLabel(text: string): string {
  const math: [RegExp, string][] = [
    [/\|g\|/g, '\uE000|g|\uE001'],
    [/ln 100/g, '\uE000\\ln 100\uE001'],
    [/±/g, '\uE000\\pm\uE001'],
    [/×/g, '\uE000\\times\uE001'],
    [/÷/g, '\uE000\\div\uE001'],
  ];
  let marked = text;
  for (const [pattern, replacement] of math) marked = marked.replace(pattern, replacement);
  // Escape the text between the mathematics; the mathematics goes in as written.
  return marked
    .split(/(\uE000[^\uE001]*\uE001)/)
    .map((part) => (part.startsWith('\uE000') ? `$${part.slice(1, -1)}$` : texEscape(part)))
    .join('');
}

/** Legend entries' names in TeX, shortened as the other formats shorten them, for this width. */
function texNames(names: string[], widthIn: number): Map<string, string> {
  return shortLabels(names, widthIn < 4 ? 40 : 70);
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
  const colourDefs = names
    .map((name, i) => `\\definecolor{run${i}}{HTML}{${(colours.get(name) ?? '#000000').replace('#', '')}}`)
    .join('\n');
  const colourOf = (run: unknown) => `run${Math.max(0, names.indexOf(String(run)))}`;
  const width = `${options.widthIn}in`;
  let body: string;
  if (figure === 'learning-curves') body = learningCurves(rows, names, colourOf, width, options);
  else if (figure === 'gradient-flow') body = gradientFlow(spec, rows, names, colourOf, width, options);
  else body = heatmap(spec, rows, width);
  const title = options.title
    ? `\\node[anchor=south, font=\\footnotesize] at (current bounding box.north) {${texEscape(options.title)}};\n`
    : '';
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

function learningCurves(
  rows: Row[],
  runs: string[],
  colourOf: (run: unknown) => string,
  width: string,
  options: TexOptions,
): string {
  const lastEpoch = Math.max(1, ...rows.map((r) => Number(r.epoch)));
  // The keys below the panels, as the other formats have them: the runs (several only) under the loss panel,
  // the line styles under the accuracy panel (all three in a row when they are the only key).
  const several = runs.length > 1 && options.legend;
  const names = shortLabels(runs, options.widthIn < 4 ? 24 : 60);
  const runKey = runs.map(
    (run) =>
      `\\addlegendimage{color=${colourOf(run)}, solid, thick}\\addlegendentry{${texEscape(names.get(run) ?? run)}}`,
  );
  const styleKey = [
    '\\addlegendimage{black!70, solid, thick}\\addlegendentry{train}',
    '\\addlegendimage{black!70, dashed, thick}\\addlegendentry{validation}',
    '\\addlegendimage{black!70, densely dotted, thick}\\addlegendentry{chance}',
  ];
  const keyStyle =
    'legend cell align=left, legend style={draw=none, /tikz/every even column/.append style={column sep=0.25cm}}';
  const panel = (metric: 'loss' | 'accuracy', at: string) => {
    const scale = metric === 'accuracy' ? 100 : 1;
    const plots = runs.flatMap((run) =>
      (['train', 'validation'] as const).map((split) => {
        const points = rows
          .filter((r) => r.run === run && r.split === split && r.metric === metric)
          .map((r): [number, number] => [Number(r.epoch), Number(r.value) * scale]);
        return `\\addplot[color=${colourOf(run)}, ${split === 'train' ? 'solid' : 'dashed'}, thick${points.length <= 30 ? ', mark=*, mark size=0.8pt' : ''}, forget plot] coordinates {${coordinates(points)}};`;
      }),
    );
    const chance = CHANCE[metric] * scale;
    const label = metric === 'loss' ? 'Loss' : 'Accuracy (\\%)';
    const key =
      metric === 'loss' && several
        ? `, legend to name=runkey, legend columns=1, ${keyStyle}`
        : metric === 'accuracy' && options.legend
          ? `, legend to name=stylekey, legend columns=${several ? 1 : 3}, ${keyStyle}`
          : '';
    const entries = metric === 'loss' && several ? runKey : metric === 'accuracy' && options.legend ? styleKey : [];
    // The plots' own size (scale only axis): the y labels' room and the gap between the panels come off the width.
    return [
      `\\begin{axis}[name=${metric}, ${at} scale only axis, width={(${width}-2.7cm)/2}, height={0.34*${width}}, xlabel={Epoch}, ylabel={${label}}, xmin=0, xmax=${lastEpoch}, xtick distance=${niceStep(lastEpoch)}, grid=major, grid style={gray!25}${key}]`,
      ...entries,
      ...plots,
      `\\addplot[gray, densely dotted, thick, domain=0:${lastEpoch}, samples=2, forget plot] {${chance}};`,
      '\\end{axis}',
    ].join('\n');
  };
  const below = (axis: string, corner = 'west') => `($(${axis}.outer south ${corner})+(0,-0.1cm)$)`;
  return [
    panel('loss', ''),
    panel('accuracy', 'at={(loss.east)}, anchor=west, xshift=1.5cm,'),
    several ? `\\node[anchor=north west, inner sep=0pt] at ${below('loss')} {\\pgfplotslegendfromname{runkey}};` : '',
    options.legend
      ? several
        ? `\\node[anchor=north east, inner sep=0pt] at ${below('accuracy', 'east')} {\\pgfplotslegendfromname{stylekey}};`
        : `\\node[anchor=north west, inner sep=0pt] at ${below('loss')} {\\pgfplotslegendfromname{stylekey}};`
      : '',
  ].join('\n');
}

function gradientFlow(
  spec: unknown,
  rows: Row[],
  runs: string[],
  colourOf: (run: unknown) => string,
  width: string,
  options: TexOptions,
): string {
  const byDepth = JSON.stringify(spec).includes('"field":"relativeDepth"');
  const yTitle =
    flattenTitle(
      (spec as { layer?: { encoding?: { y?: { title?: unknown } } }[] }).layer?.find((l) => l.encoding?.y)?.encoding?.y
        ?.title,
    ) || 'mean |g| (log scale)';
  const layerNames = [...new Map(rows.map((r) => [Number(r.position), String(r.layer)])).entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, name]) => name);
  const axis = layerAxis(layerNames);
  const xAxis = byDepth
    ? 'xlabel={Relative depth}, xmin=0, xmax=1, xtick={0,0.5,1}, xticklabels={first layer,0.5,classifier}'
    : `xlabel={Layer (network order)}, xmin=-0.5, xmax=${layerNames.length - 0.5}, xtick={${axis.ticks.join(',')}}, xticklabels={${axis.ticks
        .map((t) => `{${texEscape(axis.labels[t])}}`)
        .join(',')}}, xmajorgrids=false`;
  const x = (r: Row) => (byDepth ? Number(r.relativeDepth) : Number(r.position));
  const names = texNames(runs, options.widthIn);
  const keyed = options.legend && runs.length > 1;
  const plots = runs.flatMap((run) => {
    const mine = rows.filter((r) => r.run === run);
    const line = `\\addplot[color=${colourOf(run)}, thick, mark=*, mark size=0.8pt] coordinates {${coordinates(mine.filter((r) => !r.zero).map((r) => [x(r), Number(r.plotted)]))}};${keyed ? `\n\\addlegendentry{${texEscape(names.get(run) ?? run)}}` : ''}`;
    const zeros = mine.filter((r) => r.zero);
    return zeros.length
      ? [
          line,
          `\\addplot[color=${colourOf(run)}, only marks, mark=triangle, mark options={rotate=180}, forget plot] coordinates {${coordinates(zeros.map((r) => [x(r), Number(r.plotted)]))}};`,
        ]
      : [line];
  });
  const boundaries = byDepth
    ? []
    : axis.boundaries.map(
        (at) =>
          `\\draw[gray, densely dashed, thin] (axis cs:${at},\\pgfkeysvalueof{/pgfplots/ymin}) -- (axis cs:${at},\\pgfkeysvalueof{/pgfplots/ymax});`,
      );
  return [
    `\\begin{semilogyaxis}[name=flow, scale only axis, width={${width}-1.9cm}, height={0.45*${width}}, ${xAxis}, ylabel={${texLabel(yTitle)}}, grid=major, grid style={gray!25}${keyed ? ', legend to name=flowkey, legend columns=1, legend cell align=left' : ''}]`,
    ...plots,
    ...boundaries,
    '\\end{semilogyaxis}',
    keyed
      ? '\\node[anchor=north west, inner sep=0pt] at ($(flow.outer south west)+(0,-0.15cm)$) {\\pgfplotslegendfromname{flowkey}};'
      : '',
  ].join('\n');
}

/** About five ticks over 0..last: 1, 2, 5, 10, 20, 50, ... apart. */
function niceStep(last: number): number {
  const raw = Math.max(1, last / 5);
  const decade = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * decade).find((step) => step >= raw) ?? 10 * decade;
}

/** A Vega title (a string, or its lines) as one line. */
function flattenTitle(title: unknown): string {
  return Array.isArray(title) ? title.join(', ') : typeof title === 'string' ? title : '';
}

function heatmap(spec: unknown, rows: Row[], width: string): string {
  const colour = (spec as { layer?: { encoding?: { color?: { title?: unknown } } }[] }).layer?.[0]?.encoding?.color
    ?.title;
  const title = flattenTitle(colour) || 'mean |g|';
  const epochs = [...new Set(rows.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const layers = [...new Map(rows.map((r) => [Number(r.position), String(r.layer)])).entries()].sort(
    (a, b) => a[0] - b[0],
  );
  const axis = layerAxis(layers.map(([, name]) => name));
  const value = new Map(rows.map((r) => [`${r.position}:${r.epoch}`, Number(r.plotted)]));
  const table = layers.flatMap(([position]) =>
    epochs.map((epoch) => `${epoch} ${position} ${Math.log10(value.get(`${position}:${epoch}`) ?? NaN)}`),
  );
  const epochTicks = epochs.length <= 10 ? epochs : epochs.filter((e) => e % Math.ceil(epochs.length / 5) === 0);
  return [
    `\\begin{axis}[width=${width}, height=0.62*${width}, enlargelimits=false, y dir=reverse, xlabel={Epoch}, ylabel={Layer (network order)}, xtick={${epochTicks.join(',')}}, ytick={${axis.ticks.join(',')}}, yticklabels={${axis.ticks
      .map((t) => `{${texEscape(axis.labels[t])}}`)
      .join(
        ',',
      )}}, colormap/viridis, colorbar horizontal, colorbar style={at={(0,-0.32)}, anchor=north west, width=0.5*${width}, height=0.15cm, xlabel={${texLabel(title)} (log$_{10}$)}, xticklabel style={font=\\tiny}}, unbounded coords=jump]`,
    `\\addplot[matrix plot*, point meta=explicit, mesh/cols=${epochs.length}] table[meta index=2] {`,
    ...table,
    '};',
    ...axis.boundaries.map(
      (at) =>
        `\\draw[white, thick] (axis cs:${epochs[0] - 0.5},${at}) -- (axis cs:${epochs[epochs.length - 1] + 0.5},${at});`,
    ),
    '\\end{axis}',
  ].join('\n');
}
