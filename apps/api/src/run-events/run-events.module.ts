import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import { LoadShedder } from '../common/load-shedder';
import { AppConfig } from '../config/app-config';
import { LiveEventsModule } from '../live-events/live-events.module';
import { EventsPrismaService } from '../prisma/prisma.service';
import { RunRepository } from '../runs/run.repository';
import { RunsModule } from '../runs/runs.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { WorkersModule } from '../workers/workers.module';
import { RunEventsProcessor } from './run-events.processor';
import { EVENTS_RUN_REPOSITORY, RunEventsService } from './run-events.service';
import { WorkerLiveEventsListener } from './worker-live-events.listener';

/**
 * What workers report: run events from their queue (started, epoch, completed, failed), stored once each
 * in Postgres, and live-only events (batch progress) from their Redis channel, passed on to the browsers.
 * Readers are refused (503) while those events wait (LoadShedder).
 */
@Module({
  imports: [
    BullModule.registerQueue({ name: QUEUES.runEvents }),
    LiveEventsModule,
    RunsModule,
    WorkersModule,
    SchedulingModule,
  ],
  providers: [
    RunEventsService,
    // the run events' writes, on the events' own connections (EventsPrismaService)
    { provide: EVENTS_RUN_REPOSITORY, inject: [EventsPrismaService], useFactory: (db) => new RunRepository(db) },
    RunEventsProcessor,
    WorkerLiveEventsListener,
    {
      // here, beside the queue whose backlog tells it that the workers' epochs must go first
      provide: LoadShedder,
      inject: [AppConfig, getQueueToken(QUEUES.runEvents)],
      useFactory: (config: AppConfig, runEvents: Queue) =>
        new LoadShedder({
          maxInFlight: config.maxInFlight,
          maxEventBacklog: config.shedEventBacklog,
          eventBacklog: () => runEvents.getWaitingCount(),
        }),
    },
  ],
  exports: [LoadShedder],
})
export class RunEventsModule {}
