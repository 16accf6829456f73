import { Controller, Get } from '@nestjs/common';
import { ReportPackQuerySchema, type ReportPackQuery } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, ValidQuery } from '../docs/api-route';
import { download, fileAnswer } from './download';
import { ReportPackService } from './report-pack.service';

/** Every figure in every format, the framework's CSVs and results.tex of `?runs=`, as one zip. */
@Controller('report-pack')
export class ReportPackController {
  constructor(private readonly reportPacks: ReportPackService) {}

  @Get()
  @ApiDoc(
    "A zip for a report: every figure of ?runs= in every format, each group cell's figures over seeds, the framework CSVs, results.tex, README.txt",
    {
      200: fileAnswer('the zip'),
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
}
