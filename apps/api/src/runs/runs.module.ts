import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@gradlab/contracts';
import { WorkersModule } from '../workers/workers.module';
import { CheckpointsController } from './checkpoints.controller';
import { CheckpointsService } from './checkpoints.service';
import { DiagnosisService } from './diagnosis.service';
import { LiveEventsPublisher } from './live-events.publisher';
import { RunEventsGateway } from './run-events.gateway';
import { RunEventsProcessor } from './run-events.processor';
import { RunEstimatesService } from './run-estimates.service';
import { RunEventsService } from './run-events.service';
import { RunsController } from './runs.controller';
import { RunsReconciler } from './runs-reconciler.service';
import { RunQueue } from './run-queue.service';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';
import { RunEventsPubSub } from './run-events.pubsub';
import { SubmissionLimitsService } from './submission-limits.service';
import { WorkerLiveEventsListener } from './worker-live-events.listener';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.training }, { name: QUEUES.runEvents }), WorkersModule],
  controllers: [RunsController, CheckpointsController],
  providers: [
    CheckpointsService,
    DiagnosisService,
    RunsService,
    RunsReconciler,
    RunEstimatesService,
    SubmissionLimitsService,
    RunEventsPubSub,
    RunEventsService,
    RunEventsProcessor,
    WorkerLiveEventsListener,
    RunEventsGateway,
    // Services publish live events through this; the socket.io gateway is what sends them.
    { provide: LiveEventsPublisher, useExisting: RunEventsGateway },
    RunRepository,
    RunQueue,
  ],
  exports: [RunsService, RunQueue, RunRepository, RunEventsPubSub, DiagnosisService, SubmissionLimitsService],
})
export class RunsModule {}
