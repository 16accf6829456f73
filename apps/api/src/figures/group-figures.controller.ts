import { Controller, Get } from '@nestjs/common';
import { FigureQuerySchema, type FigureQuery } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam, PathParam, ValidQuery } from '../docs/api-route';
import { download, FIGURE_FILE, fileAnswer } from './download';
import { FiguresService } from './figures.service';

/** A group's figures over seeds: `GET /api/groups/:id/figures/learning-curves.pdf`. */
@Controller('groups/:id/figures')
export class GroupFiguresController {
  constructor(private readonly figures: FiguresService) {}

  @Get(':file')
  @ApiDoc(
    "A group's figures over seeds: learning-curves (mean ± std bands) or gradient-flow (geometric mean, log-space band), as .svg, .pdf, .png or .csv",
    {
      200: fileAnswer('the figure file'),
      400: 'a grid group without a cell, or a bad query',
      404: 'no such group or figure',
    },
  )
  async groupFigure(
    @CurrentPrincipal() principal: Principal,
    @IdParam('group') id: string,
    @PathParam('file', FIGURE_FILE) name: string,
    @ValidQuery(FigureQuerySchema) query: FigureQuery,
  ) {
    return download(await this.figures.groupFigure(principal, id, name, query));
  }
}
