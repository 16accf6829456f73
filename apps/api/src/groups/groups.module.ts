import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { AggregatesService } from './aggregates.service';
import { AggregateController } from './aggregate.controller';
import { CohortController } from './cohort.controller';
import { CohortService } from './cohort.service';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Seed groups and sweeps, aggregation across runs, diagnosis and the staff cohort view. */
@Module({
  imports: [RunsModule, SchedulingModule],
  controllers: [GroupsController, AggregateController, CohortController],
  providers: [GroupsService, AggregatesService, CohortService],
  exports: [GroupsService, AggregatesService],
})
export class GroupsModule {}
