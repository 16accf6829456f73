import { Controller, Get, StreamableFile } from '@nestjs/common';
import {
  FigureQuerySchema,
  ReportPackQuerySchema,
  RunsTableQuerySchema,
  type FigureQuery,
  type ParsedListRunsQuery,
  type ReportPackQuery,
} from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam, PathParam, ValidQuery } from '../docs/api-route';
import { FiguresService, type FigureFile } from './figures.service';
import { ReportPackService } from './report-pack.service';
import { RunFilesService } from './run-files.service';

const figureFile = { type: 'string', example: 'learning-curves.pdf' };
const file = (description: string) => ({ description, content: { 'application/octet-stream': {} } });

/**
 * Downloads: figures (`GET /api/runs/:id/figures/learning-curves.pdf`, `GET /api/figures/learning-curves.svg?runs=a,b`),
 * a run's data files and the runs table. Files of every URL prefix are served here, so that one controller
 * says how a download is named and typed (Content-Disposition).
 */
@Controller()
export class FiguresController {
  constructor(
    private readonly figures: FiguresService,
    private readonly files: RunFilesService,
    private readonly reportPacks: ReportPackService,
  ) {}

  /** Every figure in every format, the framework's CSVs and results.tex of `?runs=`, as one zip. */
  @Get('report-pack')
  @ApiDoc(
    "A zip for a report: every figure of ?runs= in every format, each group cell's figures over seeds, the framework CSVs, results.tex, README.txt",
    {
      200: file('the zip'),
      400: 'bad runs',
      404: 'no such run',
    },
  )
  async reportPack(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ReportPackQuerySchema) query: ReportPackQuery,
  ) {
    return download({ ...(await this.reportPacks.pack(principal, query)), contentType: 'application/zip' });
  }

  /** The runs table, filtered as `GET /api/runs` is, as CSV. */
  @Get('runs.csv')
  @ApiDoc('The runs table as CSV, with the filters of GET /api/runs', { 200: file('runs.csv'), 400: 'bad query' })
  async runsTable(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(RunsTableQuerySchema) filter: Omit<ParsedListRunsQuery, 'page' | 'pageSize'>,
  ) {
    return download(await this.files.runsTable(principal, filter));
  }

  /** summary.csv and test_summary.csv as the course framework writes them; epochs.csv; gradient_flow.csv. */
  @Get('runs/:id/files/:file')
  @ApiDoc(
    "A run's data: summary.csv and test_summary.csv (the course framework's columns), epochs.csv, gradient_flow.csv",
    {
      200: file('the file'),
      404: 'no such run or file',
      409: 'test_summary.csv of a run not completed',
    },
  )
  async runFile(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @PathParam('file', { type: 'string', enum: ['summary.csv', 'test_summary.csv', 'epochs.csv', 'gradient_flow.csv'] })
    name: string,
  ) {
    return download(await this.files.runFile(principal, id, name));
  }

  @Get('runs/:id/figures/:file')
  @ApiDoc(
    "A run's figure as a file: learning-curves, gradient-flow or gradient-heatmap, as .svg, .pdf, .png, .csv or .tex",
    {
      200: file('the file (Content-Disposition names it)'),
      400: 'a bad query',
      404: 'no such run or figure',
    },
  )
  async runFigure(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @PathParam('file', figureFile) name: string,
    @ValidQuery(FigureQuerySchema) query: FigureQuery,
  ) {
    return download(await this.figures.runFigure(principal, id, name, query));
  }

  @Get('groups/:id/figures/:file')
  @ApiDoc(
    "A group's figures over seeds: learning-curves (mean ± std bands) or gradient-flow (geometric mean, log-space band), as .svg, .pdf, .png or .csv",
    {
      200: file('the figure file'),
      400: 'a grid group without a cell, or a bad query',
      404: 'no such group or figure',
    },
  )
  async groupFigure(
    @CurrentPrincipal() principal: Principal,
    @IdParam('group') id: string,
    @PathParam('file', figureFile) name: string,
    @ValidQuery(FigureQuerySchema) query: FigureQuery,
  ) {
    return download(await this.figures.groupFigure(principal, id, name, query));
  }

  @Get('figures/:file')
  @ApiDoc('A figure of several runs (?runs=id,id): learning-curves (Figure 1) or gradient-flow by relative depth', {
    200: file('the file (Content-Disposition names it)'),
    400: 'a bad query',
    404: 'no such run or figure',
  })
  async setFigure(
    @CurrentPrincipal() principal: Principal,
    @PathParam('file', figureFile) name: string,
    @ValidQuery(FigureQuerySchema) query: FigureQuery,
  ) {
    return download(await this.figures.setFigure(principal, name, query));
  }
}

/** A file to save: its type, and the name the browser saves it under. */
function download(file: FigureFile): StreamableFile {
  return new StreamableFile(file.body, {
    type: file.contentType,
    disposition: `attachment; filename="${file.fileName}"`,
    length: file.body.length,
  });
}
