import { Controller, Get, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc } from '../docs/api-route';
import { AggregateDto } from '../docs/contract-dtos';
import { AggregatesService } from './aggregates.service';

/** An aggregate of chosen runs (a group's own is GET /api/groups/:id/aggregate). */
@Controller('aggregate')
export class AggregateController {
  constructor(private readonly aggregates: AggregatesService) {}

  /** Chosen runs that share a config up to seed: `?runs=ID,ID,...`. */
  @Get()
  @ApiDoc('Aggregate chosen runs that share one config up to the seed', {
    400: 'configs that differ beyond the seed',
    404: 'a run not found',
  })
  @ApiQuery({ name: 'runs', required: true, schema: { type: 'string' }, description: 'run ids, comma-separated' })
  @Answers(200, 'the aggregate', AggregateDto)
  aggregate(@CurrentPrincipal() principal: Principal, @Query('runs') runs?: string): Promise<AggregateDto> {
    return this.aggregates.ofRuns(principal, runs);
  }
}
