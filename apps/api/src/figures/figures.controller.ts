import { Controller, Get } from '@nestjs/common';
import { FigureQuerySchema, type FigureQuery } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, PathParam, ValidQuery } from '../docs/api-route';
import { download, FIGURE_FILE, fileAnswer } from './download';
import { FiguresService } from './figures.service';

/** Figures of several runs: `GET /api/figures/learning-curves.svg?runs=a,b`. */
@Controller('figures')
export class FiguresController {
  constructor(private readonly figures: FiguresService) {}

  @Get(':file')
  @ApiDoc('A figure of several runs (?runs=id,id): learning-curves (Figure 1) or gradient-flow by relative depth', {
    200: fileAnswer('the file (Content-Disposition names it)'),
    400: 'a bad query',
    404: 'no such run or figure',
  })
  async setFigure(
    @CurrentPrincipal() principal: Principal,
    @PathParam('file', FIGURE_FILE) name: string,
    @ValidQuery(FigureQuerySchema) query: FigureQuery,
  ) {
    return download(await this.figures.setFigure(principal, name, query));
  }
}
