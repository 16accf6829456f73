// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the api and CLI compile this file without libs/figures' ambient types; this brings them along
/// <reference path="./svg-to-pdfkit.d.ts" />
import path from 'node:path';
import { FIGURE_WIDTHS_IN, type FigureFormat } from '@gradlab/contracts';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { TopLevelSpec } from 'vega-lite';
import { PRINT_TEXT, printWidthPt, type PrintFit } from './print-figures';
import { MIN_PLOT_SHARE } from './layout-rules';
import { renderScene, type FigureScene } from './render-svg';
import { toCsv } from './run-tables';

/** One font for every format, shipped in an npm package: embedded in PDFs, drawn into PNGs. */
const FONT_FILE = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf/DejaVuSans.ttf');
const FONT = 'DejaVu Sans';

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
export function forPrint(spec: TopLevelSpec, options: Pick<FigureOptions, 'title' | 'legend'>): TopLevelSpec {
  const { label, title } = PRINT_TEXT;
  const config = {
    font: FONT,
    axis: {
      labelFontSize: label,
      titleFontSize: title,
      titleFontWeight: 'normal',
      titlePadding: 2,
      labelPadding: 1,
      tickSize: 2,
    },
    legend: {
      labelFontSize: label,
      titleFontSize: title,
      disable: !options.legend,
      symbolSize: 60,
      rowPadding: -2,
      columnPadding: 8,
      padding: 0,
      offset: 4,
    },
    header: { labelFontSize: label, titleFontSize: title },
    concat: { spacing: 8 },
    title: { fontSize: title, fontWeight: 'normal' },
    text: { fontSize: label },
  };
  // Merged key by key: the spec's own settings (a legend placed below, say) stay.
  const own = ((spec as { config?: Record<string, Record<string, unknown>> }).config ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...own };
  for (const [key, value] of Object.entries(config))
    merged[key] = typeof value === 'object' ? { ...((own[key] as object) ?? {}), ...value } : value;
  return { ...spec, padding: 2, ...(options.title ? { title: options.title } : {}), config: merged } as TopLevelSpec;
}

export { printWidthPt };

/**
 * A print figure (print-figures.ts) laid out at its size: rendered, measured, its plots resized by what the
 * whole is off in width and height, again, until it is the width asked to half a point (the axes and keys do
 * not change with the plots' size, so two or three passes do). Where the keys leave the plots less than their
 * share of the figure (MIN_PLOT_SHARE: many runs in one column), the figure grows taller until they have it:
 * the height follows the content. Any other spec is rendered as it is.
 */
export function layoutForPrint(
  spec: TopLevelSpec,
  options: Pick<FigureOptions, 'title' | 'legend'>,
): { svg: string; scene: FigureScene; spec: TopLevelSpec } {
  let current = forPrint(spec, options);
  const fit = (spec as { usermeta?: { print?: PrintFit } }).usermeta?.print;
  for (let pass = 0; ; pass++) {
    const { svg, scene } = renderScene(current);
    const [dw, dh] = fit
      ? [widthShortfall(scene, fit.widthPt), Math.max(fit.heightPt, heightForPlotShare(scene, fit)) - scene.height]
      : [0, 0];
    if (!fit || pass === 8 || (Math.abs(dw) < 0.5 && Math.abs(dh) < 0.5)) return { svg, scene, spec: current };
    current = resizePlots(current, dw, dh);
  }
}

/**
 * The least height at which the plots take their share of the figure (with a point to spare), the rest of
 * it (axes, keys) staying as it is: plots w x (H - rest) >= share x width x H.
 */
function heightForPlotShare(scene: FigureScene, fit: PrintFit): number {
  const share = (MIN_PLOT_SHARE[fit.panels] ?? 0.4) + 0.005;
  const plotWidth = scene.plots.reduce((sum, p) => sum + (p.x2 - p.x1), 0);
  const plotHeight = Math.max(...scene.plots.map((p) => p.y2 - p.y1));
  const rest = scene.height - plotHeight;
  const room = plotWidth - share * fit.widthPt;
  return room > 0 ? Math.ceil((plotWidth * rest) / room) : 0;
}

/**
 * How much wider the plots must be for the figure to be `widthPt` wide. While a key below is wider than the
 * plots, the figure's width says nothing of theirs: they are taken out to a few points from the edge instead.
 */
function widthShortfall(scene: FigureScene, widthPt: number): number {
  const right = Math.max(...scene.plots.map((p) => p.x2));
  const keyWider = scene.legends.some((legend) => legend.x2 > right + 1);
  return keyWider ? widthPt - (right + 8) : widthPt - scene.width;
}

/**
 * The spec with its plots `dw` wider in all and each `dh` taller. Vega lays plots out in whole points, so the
 * width goes out in whole points, the first panels taking the odd ones.
 */
function resizePlots(spec: TopLevelSpec, dw: number, dh: number): TopLevelSpec {
  const concat = (spec as { hconcat?: { width?: number; height?: number }[] }).hconcat;
  const views = concat ?? [spec as { width?: number; height?: number }];
  const total = Math.round(dw);
  const resized = views.map((view, i) => ({
    ...view,
    width: Math.max(
      20,
      Math.round(view.width ?? 100) +
        Math.floor(total / views.length) +
        (i < ((total % views.length) + views.length) % views.length ? 1 : 0),
    ),
    height: Math.max(20, Math.round((view.height ?? 100) + dh)),
  }));
  return (concat ? { ...spec, hconcat: resized } : resized[0]) as TopLevelSpec;
}

/** A figure spec as SVG, vector PDF (fonts embedded, text selectable) or PNG at `dpi`. */
export function renderFigure(
  spec: TopLevelSpec,
  format: Exclude<FigureFormat, 'csv' | 'tex'>,
  options: FigureOptions,
): Promise<RenderedFigure> {
  const { svg } = layoutForPrint(spec, options);
  if (format === 'svg') return Promise.resolve({ body: Buffer.from(svg), contentType: 'image/svg+xml' });
  if (format === 'png') {
    return Promise.resolve({
      body: svgToPng(svg, Math.round(FIGURE_WIDTHS_IN[options.width] * options.dpi)),
      contentType: 'image/png',
    });
  }
  return svgToPdf(svg).then((body) => ({ body, contentType: 'application/pdf' }));
}

function svgToPdf(svg: string): Promise<Buffer> {
  const [width, height] = svgSize(svg);
  return pdfOf([{ width, height, draw: (doc) => drawSvg(doc, svg, 0, 0) }], 'gradlab figure');
}

/** An SVG's width and height, in points. */
function svgSize(svg: string): [number, number] {
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return size ? [Number(size[1]), Number(size[2])] : [printWidthPt('column'), 200];
}

/** A PDF of pages, each of its size, drawn by its own function; the figures' font embedded. */
function pdfOf(
  pages: { width: number; height: number; draw: (doc: PDFKit.PDFDocument) => void }[],
  title: string,
): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false, margin: 0, info: { Title: title, Creator: 'gradlab' } });
  doc.registerFont(FONT, FONT_FILE);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (const page of pages) {
    doc.addPage({ size: [page.width, page.height], margin: 0 });
    page.draw(doc);
  }
  doc.end();
  return done;
}

function drawSvg(doc: PDFKit.PDFDocument, svg: string, x: number, y: number): void {
  const [width, height] = svgSize(svg);
  // A solid line's dash is [1, 0] in Vega; PDF dash patterns need gaps longer than 0, so it goes as solid.
  const solid = svg.replace(/ stroke-dasharray="[\d.]+,0"/g, '');
  SVGtoPDF(doc, solid, x, y, { width, height, fontCallback: () => FONT, assumePt: true });
}

/**
 * Figures for reviewing by eye, one a page at their printed size under a caption: what `npm run
 * figures:gallery` writes.
 */
export function galleryPdf(figures: { caption: string; svg: string }[]): Promise<Buffer> {
  const margin = 36;
  return pdfOf(
    figures.map(({ caption, svg }) => {
      const [width, height] = svgSize(svg);
      return {
        width: Math.max(width, 300) + 2 * margin,
        height: height + 2 * margin + 16,
        draw: (doc) => {
          doc
            .font(FONT)
            .fontSize(9)
            .fillColor('#444')
            .text(caption, margin, margin - 4, { lineBreak: false });
          // The figure's own frame, so its exact extent shows.
          doc
            .rect(margin, margin + 12, width, height)
            .lineWidth(0.25)
            .strokeColor('#bbbbbb')
            .stroke();
          drawSvg(doc, svg, margin, margin + 12);
        },
      };
    }),
    'gradlab figure gallery',
  );
}

/** A rendered SVG as PNG, `widthPx` wide, drawn with the figures' font. */
export function svgToPng(svg: string, widthPx: number): Buffer {
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: widthPx },
    background: 'white',
    font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT },
  })
    .render()
    .asPng();
  return Buffer.from(png);
}

/** Exactly the data a figure plots, one row a point, as CSV (quoted where a field needs it). */
export function figureCsv(spec: TopLevelSpec): Buffer {
  const rows = ((spec as { data?: { values?: Record<string, unknown>[] } }).data?.values ?? []) as Record<
    string,
    unknown
  >[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Buffer.from(toCsv([columns, ...rows.map((row) => columns.map((c) => row[c] as string | number | null))]));
}
