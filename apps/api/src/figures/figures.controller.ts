import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
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
  async reportPack(@CurrentPrincipal() principal: Principal, @Query() query: QueryParams) {
    return download({ ...(await this.reportPacks.pack(principal, query)), contentType: 'application/zip' });
  }

  /** The runs table, filtered as `GET /api/runs` is, as CSV. */
  @Get('runs.csv')
  async runsTable(@CurrentPrincipal() principal: Principal, @Query() query: QueryParams) {
    return download(await this.files.runsTable(principal, query));
  }

  /** summary.csv and test_summary.csv as the course framework writes them; epochs.csv; gradient_flow.csv. */
  @Get('runs/:id/files/:file')
  async runFile(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('file') file: string) {
    return download(await this.files.runFile(principal, id, file));
  }

  @Get('runs/:id/figures/:file')
  async runFigure(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('file') file: string, @Query() query: QueryParams) {
    return download(await this.figures.runFigure(principal, id, file, query));
  }

  @Get('groups/:id/figures/:file')
  async groupFigure(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('file') file: string, @Query() query: QueryParams) {
    return download(await this.figures.groupFigure(principal, id, file, query));
  }

  @Get('figures/:file')
  async setFigure(@CurrentPrincipal() principal: Principal, @Param('file') file: string, @Query() query: QueryParams) {
    return download(await this.figures.setFigure(principal, file, query));
  }
}

type QueryParams = Record<string, string>;

/** A file to save: its type, and the name the browser saves it under. */
function download(file: FigureFile): StreamableFile {
  return new StreamableFile(file.body, { type: file.contentType, disposition: `attachment; filename="${file.fileName}"`, length: file.body.length });
}
