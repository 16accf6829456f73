import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AnswersFile, ApiDoc, IdParam, PathParam } from '../docs/api-route';
import { FigureQuery } from '../docs/contract-dtos';
import { download, FIGURE_FILE } from './download';
import { FiguresService } from './figures.service';

/** A group's figures over seeds: `GET /api/groups/:id/figures/learning-curves.pdf`. */
@Controller('groups/:id/figures')
export class GroupFiguresController {
  constructor(private readonly figures: FiguresService) {}

  @Get(':file')
  @ApiDoc(
    "A group's figures over seeds: learning-curves (mean ± std bands) or gradient-flow (geometric mean, log-space band), as .svg, .pdf, .png or .csv",
    {
      400: 'a grid group without a cell, or a bad query',
      404: 'no such group or figure',
    },
  )
  @AnswersFile('the figure file')
  async groupFigure(
    @CurrentPrincipal() principal: Principal,
    @IdParam('group') id: string,
    @PathParam('file', FIGURE_FILE) name: string,
    @Query() query: FigureQuery,
  ) {
    return download(await this.figures.groupFigure(principal, id, name, query));
  }
}
