import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QUEUES, type WorkersDto } from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';

/** Workers seen through their heartbeats (long-silent ones dropped), and the training queue's depth. */
@Injectable()
export class WorkersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.training) private readonly trainingQueue: Queue,
  ) {}

  async snapshot(): Promise<WorkersDto> {
    const [workers, counts] = await Promise.all([
      this.prisma.worker.findMany({
        where: { lastHeartbeatAt: { gte: new Date(Date.now() - this.config.workerForgetAfterMs) } },
        orderBy: { lastHeartbeatAt: 'desc' },
      }),
      this.trainingQueue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    ]);
    return {
      workers: workers.map((w) => ({ ...w, startedAt: w.startedAt.toISOString(), lastHeartbeatAt: w.lastHeartbeatAt.toISOString() })),
      forgetAfterMs: this.config.workerForgetAfterMs,
      queue: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 },
    };
  }
}
