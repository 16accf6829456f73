import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { QUEUES } from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import { PrismaService } from '../prisma/prisma.service';

/** Workers seen through their heartbeats, and the training queue's depth. */
@Controller('workers')
export class WorkersController {
  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(QUEUES.training) private readonly trainingQueue: Queue,
  ) {}

  @Get()
  async list() {
    const [workers, counts] = await Promise.all([
      this.prisma.worker.findMany({ orderBy: { lastHeartbeatAt: 'desc' } }),
      this.trainingQueue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    ]);
    return {
      workers: workers.map((w) => ({ ...w, startedAt: w.startedAt.toISOString(), lastHeartbeatAt: w.lastHeartbeatAt.toISOString() })),
      queue: counts,
    };
  }
}
