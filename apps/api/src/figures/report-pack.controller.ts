import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AnswersFile, ApiDoc } from '../docs/api-route';
import { ReportPackQuery } from '../docs/contract-dtos';
import { download } from './download';
import { ReportPackService } from './report-pack.service';

/** Every figure in every format, the framework's CSVs and results.tex of `?runs=`, as one zip. */
@Controller('report-pack')
export class ReportPackController {
  constructor(private readonly reportPacks: ReportPackService) {}

  @Get()
  @ApiDoc(
    "A zip for a report: every figure of ?runs= in every format, each group cell's figures over seeds, the framework CSVs, results.tex, README.txt",
    { 400: 'bad runs', 404: 'no such run' },
  )
  @AnswersFile('the zip')
  async reportPack(@CurrentPrincipal() principal: Principal, @Query() query: ReportPackQuery) {
    return download({ ...(await this.reportPacks.pack(principal, query)), contentType: 'application/zip' });
  }
}
