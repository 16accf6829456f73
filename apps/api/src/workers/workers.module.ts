import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@gradlab/contracts';
import { WorkersController } from './workers.controller';

@Module({ imports: [BullModule.registerQueue({ name: QUEUES.training })], controllers: [WorkersController] })
export class WorkersModule {}
