import { Module } from '@nestjs/common';
import { DispatcherService } from './dispatcher.service';
import { QuotaController } from './quota.controller';
import { QuotaService } from './quota.service';
import { RunPlacementService } from './run-placement.service';
import { TrainingQueues } from './training-queues';

/** Who trains next: fair-share dispatch onto the pools' training queues, placement, budgets and weights. */
@Module({
  controllers: [QuotaController],
  providers: [DispatcherService, TrainingQueues, RunPlacementService, QuotaService],
  exports: [DispatcherService, TrainingQueues, RunPlacementService, QuotaService],
})
export class SchedulingModule {}
