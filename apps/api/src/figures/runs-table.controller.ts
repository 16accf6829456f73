import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AnswersFile, ApiDoc } from '../docs/api-route';
import { RunsTableQuery } from '../docs/contract-dtos';
import { download } from './download';
import { RunFilesService } from './run-files.service';

/** The runs table, filtered as `GET /api/runs` is, as CSV. */
@Controller('runs.csv')
export class RunsTableController {
  constructor(private readonly files: RunFilesService) {}

  @Get()
  @ApiDoc('The runs table as CSV, with the filters of GET /api/runs', { 400: 'bad query' })
  @AnswersFile('runs.csv')
  async runsTable(@CurrentPrincipal() principal: Principal, @Query() filter: RunsTableQuery) {
    return download(await this.files.runsTable(principal, filter));
  }
}
