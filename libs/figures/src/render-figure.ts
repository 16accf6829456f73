// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the api and CLI compile this file without libs/figures' ambient types; this brings them along
/// <reference path="./svg-to-pdfkit.d.ts" />
import path from 'node:path';
import { FIGURE_WIDTHS_IN, type FigureFormat } from '@gradlab/contracts';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg';
import { toCsv } from './run-tables';

/** One font for every format, shipped in an npm package: embedded in PDFs, drawn into PNGs. */
const FONT_FILE = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf/DejaVuSans.ttf');
const FONT = 'DejaVu Sans';
/** Vector units: one SVG pixel is one PDF point, 72 to the inch. */
const POINTS_PER_INCH = 72;

export interface FigureOptions {
  width: keyof typeof FIGURE_WIDTHS_IN;
  dpi: number;
  title?: string;
  legend: boolean;
}

export interface RenderedFigure {
  body: Buffer;
  contentType: string;
}

/**
 * Print settings for a two-column report: the figure's width in points, 8 pt labels and 9 pt titles at that
 * size, the embedded font, a title and legend as asked.
 */
export function forPrint(spec: TopLevelSpec, options: FigureOptions): TopLevelSpec {
  const config = {
    font: FONT,
    axis: { labelFontSize: 8, titleFontSize: 9, titleFontWeight: 'normal' },
    legend: { labelFontSize: 8, titleFontSize: 9, disable: !options.legend },
    header: { labelFontSize: 8, titleFontSize: 9 },
    title: { fontSize: 9, fontWeight: 'normal' },
    text: { fontSize: 8 },
  };
  // Merged key by key: the spec's own settings (a legend placed below, say) stay.
  const own = ((spec as { config?: Record<string, Record<string, unknown>> }).config ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...own };
  for (const [key, value] of Object.entries(config)) merged[key] = typeof value === 'object' ? { ...((own[key] as object) ?? {}), ...value } : value;
  return { ...spec, ...(options.title ? { title: options.title } : {}), config: merged } as TopLevelSpec;
}

/** The width in points a figure has on the page. */
export const printWidthPt = (width: FigureOptions['width']) => FIGURE_WIDTHS_IN[width] * POINTS_PER_INCH;

/** A figure spec as SVG, vector PDF (fonts embedded, text selectable) or PNG at `dpi`. */
export function renderFigure(spec: TopLevelSpec, format: Exclude<FigureFormat, 'csv' | 'tex'>, options: FigureOptions): Promise<RenderedFigure> {
  const svg = renderSvg(forPrint(spec, options));
  if (format === 'svg') return Promise.resolve({ body: Buffer.from(svg), contentType: 'image/svg+xml' });
  if (format === 'png') {
    const widthPx = Math.round(FIGURE_WIDTHS_IN[options.width] * options.dpi);
    const png = new Resvg(svg, {
      fitTo: { mode: 'width', value: widthPx },
      background: 'white',
      font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT },
    })
      .render()
      .asPng();
    return Promise.resolve({ body: Buffer.from(png), contentType: 'image/png' });
  }
  return svgToPdf(svg).then((body) => ({ body, contentType: 'application/pdf' }));
}

function svgToPdf(svg: string): Promise<Buffer> {
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const [width, height] = size ? [Number(size[1]), Number(size[2])] : [printWidthPt('column'), 200];
  const doc = new PDFDocument({ size: [width, height], margin: 0, info: { Title: 'gradlab figure', Creator: 'gradlab' } });
  doc.registerFont(FONT, FONT_FILE);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  // A solid line's dash is [1, 0] in Vega; PDF dash patterns need gaps longer than 0, so it goes as solid.
  const solid = svg.replace(/ stroke-dasharray="[\d.]+,0"/g, '');
  SVGtoPDF(doc, solid, 0, 0, { width, height, fontCallback: () => FONT, assumePt: true });
  doc.end();
  return done;
}

/** Exactly the data a figure plots, one row a point, as CSV (quoted where a field needs it). */
export function figureCsv(spec: TopLevelSpec): Buffer {
  const rows = ((spec as { data?: { values?: Record<string, unknown>[] } }).data?.values ?? []) as Record<string, unknown>[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Buffer.from(toCsv([columns, ...rows.map((row) => columns.map((c) => row[c] as string | number | null))]));
}
