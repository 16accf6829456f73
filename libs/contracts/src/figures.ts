import { z } from 'zod';

/** Figures of one run, and of a set of runs (`?runs=`). */
export const RUN_FIGURES = ['learning-curves', 'gradient-flow', 'gradient-heatmap'] as const;
export const SET_FIGURES = ['learning-curves', 'gradient-flow'] as const;
export type RunFigure = (typeof RUN_FIGURES)[number];

export const FIGURE_FORMATS = ['svg', 'pdf', 'png', 'csv', 'tex'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** Printed widths of a two-column report (ICML): one column, or the whole page. */
export const FIGURE_WIDTHS_IN = { column: 3.25, page: 6.75 } as const;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const FigureQuerySchema = z.strictObject({
  width: z.enum(['column', 'page']).default('column'),
  dpi: z.coerce.number().int().min(50).max(1200).default(300).describe('PNG only'),
  title: z.string().max(200).optional().describe('a title over the figure; empty for none (the default)'),
  legend: bool.default(true),
  epoch: z.coerce
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .describe('gradient-flow: which epoch (default: the latest)'),
  statistic: z.enum(['lastBatchMeanAbs', 'meanAbs', 'updateRatio']).optional(),
  runs: z.string().max(2000).optional().describe('comma-separated run ids, for the figures of a set of runs'),
  cell: z.string().max(2000).optional().describe("a group's figures: one cell of its grid, as the group lists it"),
});
export type FigureQuery = z.infer<typeof FigureQuerySchema>;

/** `GET /api/report-pack`: runs and groups, each a comma-separated list of ids. */
export const ReportPackQuerySchema = z.strictObject({
  runs: z.string().max(2000).optional().describe('1 to 8 run ids, comma-separated (optional with groups)'),
  groups: z.string().max(2000).optional().describe('up to 8 group ids, comma-separated'),
});
export type ReportPackQuery = z.output<typeof ReportPackQuerySchema>;

/** `learning-curves.pdf` into its figure and format, or null. */
export function parseFigureFile(
  file: string,
  figures: readonly string[],
): { figure: string; format: FigureFormat } | null {
  const match = /^([a-z-]+)\.([a-z]+)$/.exec(file);
  if (!match || !figures.includes(match[1]) || !(FIGURE_FORMATS as readonly string[]).includes(match[2])) return null;
  return { figure: match[1], format: match[2] as FigureFormat };
}

/** A run's name as part of a file name: "VGG_38 BN+RC seed 0" is vgg-38-bn-rc-seed-0. */
export function fileSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'run'
  );
}

/** A file name that says what it is: vgg-38-bn-rc-seed-0_learning-curves.pdf. */
export function figureFileName(subject: string, figure: string, format: FigureFormat): string {
  return `${fileSlug(subject)}_${figure}.${format}`;
}
