import { Controller, Get, Query } from '@nestjs/common';
import { AggregateDtoSchema, CohortDtoSchema, type AggregateDto, type CohortDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc } from '../docs/api-route';
import { AggregatesService } from './aggregates.service';
import { CohortService } from './cohort.service';

/** Analysis across runs: an aggregate of chosen runs, and the cohort (a run's own diagnosis is under /runs). */
@Controller()
export class AnalysisController {
  constructor(
    private readonly aggregates: AggregatesService,
    private readonly cohort: CohortService,
  ) {}

  /** Chosen runs that share a config up to seed: `?runs=ID,ID,...`. */
  @Get('aggregate')
  @ApiDoc(
    'Aggregate chosen runs that share one config up to the seed',
    { 200: ['the aggregate', AggregateDtoSchema], 400: 'configs that differ beyond the seed', 404: 'a run not found' },
    {
      params: {
        runs: { in: 'query', required: true, schema: { type: 'string' }, description: 'run ids, comma-separated' },
      },
    },
  )
  aggregate(@CurrentPrincipal() principal: Principal, @Query('runs') runs?: string): Promise<AggregateDto> {
    return this.aggregates.ofRuns(principal, runs);
  }

  /** Staff: their team's members with their runs, groups, findings and worker time; an admin sees every team. */
  @StaffOnly()
  @Get('cohort')
  @ApiDoc('Staff: per team member, runs by status, groups, findings and worker time', {
    200: ['the cohort', CohortDtoSchema],
  })
  cohortView(@CurrentPrincipal() principal: Principal): Promise<CohortDto> {
    return this.cohort.view(principal);
  }
}
