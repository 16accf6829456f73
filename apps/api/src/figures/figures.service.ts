import { Injectable } from '@nestjs/common';
import {
  FIGURE_WIDTHS_IN,
  figureFileName,
  parseFigureFile,
  RUN_FIGURES,
  SET_FIGURES,
  type FigureFormat,
  type FigureQuery,
  type RunDto,
} from '@gradlab/contracts';
import {
  coloursById,
  printAggregateCurves,
  printAggregateGradientFlow,
  printGradientFlow,
  printGradientHeatmap,
  printLearningCurves,
  type GradientStatistic,
} from '@gradlab/figures';
import { figureCsv, figureTex, renderFigure, type TexFigure } from '@gradlab/figures/server';
import type { TopLevelSpec } from 'vega-lite';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import { AggregatesService } from '../groups/aggregates.service';
import { GroupsService } from '../groups/groups.service';
import { RunsService } from '../runs/runs.service';

/** At most this many runs in one figure: the palette has eight colours. */
const MAX_RUNS_IN_FIGURE = 8;

export interface FigureFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/**
 * Report-ready figures, rendered on the server from the same libs/figures specs the dashboard draws: SVG,
 * vector PDF with its font embedded, PNG at a chosen dpi, and the plotted data as CSV, at the width of a
 * report's column or page. Runs are looked up as the caller, so another team's run is not found.
 */
@Injectable()
export class FiguresService {
  constructor(
    private readonly runs: RunsService,
    private readonly groups: GroupsService,
    private readonly aggregates: AggregatesService,
  ) {}

  /**
   * A group's (or one grid cell's) figures over seeds: Figure 1 as mean +- std bands, or the gradient flow's
   * geometric mean per layer in a log-space band (latest epoch every run reached, or `epoch`).
   */
  async groupFigure(principal: Principal, groupId: string, file: string, query: FigureQuery): Promise<FigureFile> {
    const group = await this.groups.findGroup(principal, groupId);
    const { figure, format } = this.parseFile(file, SET_FIGURES);
    if (format === 'tex')
      throw new DomainError('NOT_FOUND', `no figure ${file}: a group's figures are .svg, .pdf, .png or .csv`);
    const aggregate = await this.aggregates.ofGroup(principal, group.id, query.cell);
    const subject = query.cell ? `${group.name} ${query.cell}` : group.name;
    let spec: TopLevelSpec;
    if (figure === 'learning-curves') {
      spec = printAggregateCurves([{ label: subject, epochs: aggregate.epochs }], query.width);
    } else {
      const everyRun = aggregate.gradientFlow.filter((f) => f.layers.every((l) => l.n === aggregate.runs.length));
      const flow =
        query.epoch === undefined ? everyRun.at(-1) : aggregate.gradientFlow.find((f) => f.epoch === query.epoch);
      if (!flow)
        throw new DomainError(
          'NOT_FOUND',
          `group ${group.id} has no gradient flow${query.epoch === undefined ? ' that every run reached' : ` for epoch ${query.epoch}`}`,
        );
      spec = printAggregateGradientFlow(flow.layers, query.width, query.statistic ?? 'lastBatchMeanAbs');
    }
    return this.render(figure, spec, format, query, figureFileName(subject, figure, format));
  }

  async runFigure(principal: Principal, runId: string, file: string, query: FigureQuery): Promise<FigureFile> {
    const run = await this.runs.get(principal, runId);
    const { figure, format } = this.parseFile(file, RUN_FIGURES);
    const statistic = (query.statistic ??
      (figure === 'gradient-heatmap' ? 'meanAbs' : 'lastBatchMeanAbs')) as GradientStatistic;
    let spec: TopLevelSpec;
    if (figure === 'learning-curves') {
      spec = printLearningCurves(
        [{ label: labelOf(run), epochs: await this.runs.epochs(principal, run.id) }],
        query.width,
      );
    } else if (figure === 'gradient-flow') {
      const flow = await this.runs.gradientFlow(
        principal,
        run.id,
        query.epoch === undefined ? undefined : String(query.epoch),
      );
      if (flow.layers.length === 0)
        throw new DomainError(
          'NOT_FOUND',
          `run ${run.id} has no gradient flow${run.kind === 'imported' ? ' (an imported run has learning curves only)' : ` for epoch ${flow.epoch}`}`,
        );
      spec = printGradientFlow([{ label: run.name, layers: flow.layers }], query.width, { statistic });
    } else {
      spec = printGradientHeatmap(await this.runs.gradientFlowHistory(principal, run.id), query.width, statistic);
    }
    return this.render(figure, spec, format, query, figureFileName(run.name, figure, format));
  }

  /** Figure 1 of several runs overlaid, or their gradient flow (latest epoch) by relative depth. */
  async setFigure(principal: Principal, file: string, query: FigureQuery): Promise<FigureFile> {
    const { figure, format } = this.parseFile(file, SET_FIGURES);
    const runs = await this.runsOf(principal, query.runs);
    const ids = runs.map((run) => run.id);
    const labels = labelsFor(runs);
    // The colours Compare gives these runs: a run keeps its colour from the dashboard to the report.
    const colours = coloursById(ids);
    let spec: TopLevelSpec;
    if (figure === 'learning-curves') {
      const series = await Promise.all(
        runs.map(async (run, i) => ({
          label: labels[i],
          colour: colours.get(run.id),
          epochs: await this.runs.epochs(principal, run.id),
        })),
      );
      spec = printLearningCurves(series, query.width);
    } else {
      const statistic = (query.statistic ?? 'lastBatchMeanAbs') as GradientStatistic;
      const all = await Promise.all(
        runs.map(async (run, i) => ({
          label: labels[i],
          colour: colours.get(run.id),
          layers: (await this.runs.gradientFlow(principal, run.id, undefined)).layers,
        })),
      );
      // Imported runs have no gradient flow: the figure shows the runs that have one.
      const series = all.filter((s) => s.layers.length > 0);
      if (series.length === 0) throw new DomainError('NOT_FOUND', 'none of these runs has a gradient flow');
      spec = printGradientFlow(series, query.width, { statistic, byRelativeDepth: true });
    }
    const subject = runs.length === 1 ? runs[0].name : `${runs.length} runs`;
    return this.render(figure, spec, format, query, figureFileName(subject, figure, format));
  }

  /**
   * The runs of `?runs=id,id,...` (1 to 8: the palette has eight colours), looked up as the caller, so that
   * another team's run is 404 as for one run.
   */
  async runsOf(principal: Principal, runsParam: string | undefined): Promise<RunDto[]> {
    const ids = (runsParam ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0 || ids.length > MAX_RUNS_IN_FIGURE || !ids.every(isUuid)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `invalid query: runs: 1 to ${MAX_RUNS_IN_FIGURE} run ids, comma-separated`,
        [{ field: 'runs', message: `1 to ${MAX_RUNS_IN_FIGURE} run ids, comma-separated` }],
      );
    }
    const runs: RunDto[] = [];
    for (const id of ids) runs.push(await this.runs.get(principal, id));
    return runs;
  }

  private parseFile(file: string, figures: readonly string[]): { figure: string; format: FigureFormat } {
    const parsed = parseFigureFile(file, figures);
    if (!parsed)
      throw new DomainError(
        'NOT_FOUND',
        `no figure ${file}: figures are ${figures.join(', ')}, as .svg, .pdf, .png, .csv or .tex`,
      );
    return parsed;
  }

  private async render(
    figure: string,
    spec: TopLevelSpec,
    format: FigureFormat,
    query: FigureQuery,
    fileName: string,
  ): Promise<FigureFile> {
    if (format === 'csv') return { body: figureCsv(spec), contentType: 'text/csv; charset=utf-8', fileName };
    if (format === 'tex')
      return {
        body: Buffer.from(
          figureTex(figure as TexFigure, spec, {
            widthIn: FIGURE_WIDTHS_IN[query.width],
            title: query.title,
            legend: query.legend,
          }),
        ),
        contentType: 'application/x-tex; charset=utf-8',
        fileName,
      };
    const rendered = await renderFigure(spec, format, {
      width: query.width,
      dpi: query.dpi,
      title: query.title,
      legend: query.legend,
    });
    return { ...rendered, fileName };
  }
}

/** Runs named in a legend: by name, marked when imported, with the id's start where two share a name. */
function labelsFor(runs: RunDto[]): string[] {
  return runs.map((run) => {
    const name = labelOf(run);
    return runs.filter((other) => other.name === run.name).length > 1 ? `${name} (${run.id.slice(0, 8)})` : name;
  });
}

const labelOf = (run: RunDto) => (run.kind === 'imported' ? `${run.name} (imported)` : run.name);
