import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@gradlab/contracts';
import { BlocksModule } from '../blocks/blocks.module';
import { LiveEventsModule } from '../live-events/live-events.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { WorkersModule } from '../workers/workers.module';
import { DiagnosisService } from './diagnosis.service';
import { RunEstimatesService } from './run-estimates.service';
import { RunQueue } from './run-queue';
import { RunRepository } from './run.repository';
import { RunsReconciler } from './runs-reconciler.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { SubmissionLimitsService } from './submission-limits.service';

/** Runs: submission (the dispatcher gives them to workers), reading them back, cancelling, estimates and diagnosis. */
@Module({
  imports: [
    BullModule.registerQueue({ name: QUEUES.runEvents }),
    SchedulingModule,
    LiveEventsModule,
    WorkersModule,
    BlocksModule,
  ],
  controllers: [RunsController],
  providers: [
    DiagnosisService,
    RunsService,
    RunsReconciler,
    RunEstimatesService,
    SubmissionLimitsService,
    RunRepository,
    RunQueue,
  ],
  exports: [RunsService, RunQueue, RunRepository, DiagnosisService, SubmissionLimitsService, BlocksModule],
})
export class RunsModule {}
