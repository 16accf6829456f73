import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AnswersFile, ApiDoc, IdParam, PathParam } from '../docs/api-route';
import { FigureQuery } from '../docs/contract-dtos';
import { download, FIGURE_FILE } from './download';
import { FiguresService } from './figures.service';
import { RunFilesService } from './run-files.service';

/** A run's downloads: its data files and its figures (`GET /api/runs/:id/figures/learning-curves.pdf`). */
@Controller('runs/:id')
export class RunDownloadsController {
  constructor(
    private readonly figures: FiguresService,
    private readonly files: RunFilesService,
  ) {}

  /** summary.csv and test_summary.csv as the course framework writes them; epochs.csv; gradient_flow.csv. */
  @Get('files/:file')
  @ApiDoc(
    "A run's data: summary.csv and test_summary.csv (the course framework's columns), epochs.csv, gradient_flow.csv",
    { 404: 'no such run or file', 409: 'test_summary.csv of a run not completed' },
  )
  @AnswersFile('the file')
  async runFile(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @PathParam('file', { type: 'string', enum: ['summary.csv', 'test_summary.csv', 'epochs.csv', 'gradient_flow.csv'] })
    name: string,
  ) {
    return download(await this.files.runFile(principal, id, name));
  }

  @Get('figures/:file')
  @ApiDoc(
    "A run's figure as a file: learning-curves, gradient-flow or gradient-heatmap, as .svg, .pdf, .png, .csv or .tex",
    { 400: 'a bad query', 404: 'no such run or figure' },
  )
  @AnswersFile('the file (Content-Disposition names it)')
  async runFigure(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @PathParam('file', FIGURE_FILE) name: string,
    @Query() query: FigureQuery,
  ) {
    return download(await this.figures.runFigure(principal, id, name, query));
  }
}
