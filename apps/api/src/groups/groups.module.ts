import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { AggregatesService } from './aggregates.service';
import { AnalysisController } from './analysis.controller';
import { CohortService } from './cohort.service';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Seed groups and sweeps, aggregation across runs, diagnosis and the staff cohort view. */
@Module({
  imports: [RunsModule, SchedulingModule],
  controllers: [GroupsController, AnalysisController],
  providers: [GroupsService, AggregatesService, CohortService],
  exports: [GroupsService, AggregatesService],
})
export class GroupsModule {}
