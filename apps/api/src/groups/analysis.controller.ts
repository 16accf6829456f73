import { Controller, Get, Param, Query } from '@nestjs/common';
import type { AggregateDto, CohortDto, DiagnosisDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
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
  aggregate(@CurrentPrincipal() principal: Principal, @Query('runs') runs?: string): Promise<AggregateDto> {
    return this.aggregates.ofRuns(principal, runs);
  }

  /** What the run's epochs and gradient statistics say is wrong with it (libs/analysis). */
  @Get('runs/:id/diagnosis')
  async diagnose(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DiagnosisDto> {
    const run = await this.runs.findRun(principal, id);
    return this.diagnosis.diagnose(run.id, run.config as unknown as ExperimentConfig);
  }

  /** Staff: their team's members with their runs, groups, findings and worker time; an admin sees every team. */
  @StaffOnly()
  @Get('cohort')
  cohortView(@CurrentPrincipal() principal: Principal): Promise<CohortDto> {
    return this.cohort.view(principal);
  }
}
