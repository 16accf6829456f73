import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { FiguresService, type FigureFile } from './figures.service';
import { ReportPackService } from './report-pack.service';
import { RunFilesService } from './run-files.service';

/**
 * Downloads: figures (`GET /api/runs/:id/figures/learning-curves.pdf`, `GET /api/figures/learning-curves.svg?runs=a,b`),
 * a run's data files and the runs table.
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
  async reportPack(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, string>, @Res() response: Response): Promise<void> {
    const { body, fileName } = await this.reportPacks.pack(principal, query);
    send(response, { body, contentType: 'application/zip', fileName });
  }

  /** The runs table, filtered as `GET /api/runs` is, as CSV. */
  @Get('runs.csv')
  async runsTable(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, string>, @Res() response: Response): Promise<void> {
    send(response, await this.files.runsTable(principal, query));
  }

  /** summary.csv and test_summary.csv as the course framework writes them; epochs.csv; gradient_flow.csv. */
  @Get('runs/:id/files/:file')
  async runFile(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('file') file: string, @Res() response: Response): Promise<void> {
    send(response, await this.files.runFile(principal, id, file));
  }

  @Get('runs/:id/figures/:file')
  async runFigure(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('file') file: string,
    @Query() query: Record<string, string>,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.figures.runFigure(principal, id, file, query));
  }

  @Get('groups/:id/figures/:file')
  async groupFigure(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('file') file: string,
    @Query() query: Record<string, string>,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.figures.groupFigure(principal, id, file, query));
  }

  @Get('figures/:file')
  async setFigure(
    @CurrentPrincipal() principal: Principal,
    @Param('file') file: string,
    @Query() query: Record<string, string>,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.figures.setFigure(principal, file, query));
  }
}

function send(response: Response, file: FigureFile): void {
  response.setHeader('content-type', file.contentType);
  response.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
  response.send(file.body);
}
