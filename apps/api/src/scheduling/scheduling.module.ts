import { Module } from '@nestjs/common';
import { DispatcherService } from './dispatcher.service';
import { QuotaController } from './quota.controller';
import { QueuePositionService } from './queue-position.service';
import { QuotaService } from './quota.service';
import { RunPlacementService } from './run-placement.service';
import { TrainingQueues } from './training-queues';

/** Who trains next: fair-share dispatch onto the pools' training queues, placement, budgets and weights, queue places. */
@Module({
  controllers: [QuotaController],
  providers: [DispatcherService, TrainingQueues, RunPlacementService, QuotaService, QueuePositionService],
  exports: [DispatcherService, TrainingQueues, RunPlacementService, QuotaService, QueuePositionService],
})
export class SchedulingModule {}
