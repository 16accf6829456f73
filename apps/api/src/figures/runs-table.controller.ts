import { Controller, Get } from '@nestjs/common';
import { RunsTableQuerySchema, type ParsedListRunsQuery } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, ValidQuery } from '../docs/api-route';
import { download, fileAnswer } from './download';
import { RunFilesService } from './run-files.service';

/** The runs table, filtered as `GET /api/runs` is, as CSV. */
@Controller('runs.csv')
export class RunsTableController {
  constructor(private readonly files: RunFilesService) {}

  @Get()
  @ApiDoc('The runs table as CSV, with the filters of GET /api/runs', { 200: fileAnswer('runs.csv'), 400: 'bad query' })
  async runsTable(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(RunsTableQuerySchema) filter: Omit<ParsedListRunsQuery, 'page' | 'pageSize'>,
  ) {
    return download(await this.files.runsTable(principal, filter));
  }
}
