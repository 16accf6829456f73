import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AnswersFile, ApiDoc, PathParam } from '../docs/api-route';
import { FigureQuery } from '../docs/contract-dtos';
import { download, FIGURE_FILE } from './download';
import { FiguresService } from './figures.service';

/** Figures of several runs: `GET /api/figures/learning-curves.svg?runs=a,b`. */
@Controller('figures')
export class FiguresController {
  constructor(private readonly figures: FiguresService) {}

  @Get(':file')
  @ApiDoc('A figure of several runs (?runs=id,id): learning-curves (Figure 1) or gradient-flow by relative depth', {
    400: 'a bad query',
    404: 'no such run or figure',
  })
  @AnswersFile('the file (Content-Disposition names it)')
  async setFigure(
    @CurrentPrincipal() principal: Principal,
    @PathParam('file', FIGURE_FILE) name: string,
    @Query() query: FigureQuery,
  ) {
    return download(await this.figures.setFigure(principal, name, query));
  }
}
