import { Controller, Get, Query } from '@nestjs/common';
import { AggregateDtoSchema, CohortDtoSchema, DiagnosisDtoSchema, type AggregateDto, type CohortDto, type DiagnosisDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam } from '../docs/api-route';
import { DiagnosisService } from '../runs/diagnosis.service';
import { RunsService } from '../runs/runs.service';
import type { ExperimentConfig } from '@gradlab/contracts';
import { AggregatesService } from './aggregates.service';
import { CohortService } from './cohort.service';

@Controller()
export class AnalysisController {
  constructor(
    private readonly aggregates: AggregatesService,
    private readonly runs: RunsService,
    private readonly diagnosis: DiagnosisService,
    private readonly cohort: CohortService,
  ) {}

  /** Chosen runs that share a config up to seed: `?runs=ID,ID,...`. */
  @Get('aggregate')
  @ApiDoc(
    'Aggregate chosen runs that share one config up to the seed',
    { 200: ['the aggregate', AggregateDtoSchema], 400: 'configs that differ beyond the seed', 404: 'a run not found' },
    { params: { runs: { in: 'query', required: true, schema: { type: 'string' }, description: 'run ids, comma-separated' } } },
  )
  aggregate(@CurrentPrincipal() principal: Principal, @Query('runs') runs?: string): Promise<AggregateDto> {
    return this.aggregates.ofRuns(principal, runs);
  }

  /** What the run's epochs and gradient statistics say is wrong with it (libs/analysis). */
  @Get('runs/:id/diagnosis')
  @ApiDoc('What the run’s stored epochs and gradient statistics say is wrong with it: findings with evidence and fixes (most severe first)', {
    200: ['its findings; none: nothing found', DiagnosisDtoSchema],
    404: 'no such run',
  })
  async diagnose(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<DiagnosisDto> {
    const run = await this.runs.findRun(principal, id);
    return this.diagnosis.diagnose(run.id, run.config as unknown as ExperimentConfig);
  }

  /** Staff: their team's members with their runs, groups, findings and worker time; an admin sees every team. */
  @StaffOnly()
  @Get('cohort')
  @ApiDoc('Staff: per team member, runs by status, groups, findings and worker time', { 200: ['the cohort', CohortDtoSchema] })
  cohortView(@CurrentPrincipal() principal: Principal): Promise<CohortDto> {
    return this.cohort.view(principal);
  }
}
