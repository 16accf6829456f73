import { Injectable } from '@nestjs/common';
import {
  WORKER_OFFLINE_AFTER_MS,
  type DurationEstimateDto,
  type ExperimentConfig,
  type QueuePositionDto,
} from '@gradlab/contracts';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { durationEstimator, estimateDuration, type EpochSample } from './duration-estimate';
import { RunsService } from './runs.service';

/** Recent epochs are what the workers of today measured; older ones may be of other hardware. */
const SAMPLE_EPOCHS = 500;
/** Runs ahead in the queue counted in a wait; past this many, a wait is long anyway. */
const QUEUE_LOOKAHEAD = 500;

/** How long a config will train, and how long a queued run will wait, from the epoch times stored. */
@Injectable()
export class RunEstimatesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: RunsService,
  ) {}

  async estimate(config: ExperimentConfig): Promise<DurationEstimateDto> {
    return estimateDuration(await this.recentEpochs(), config);
  }

  /**
   * The queue is first come, first served for every team: the runs queued before this one go first. The
   * wait is the work left in running runs and in the runs ahead, shared out over the live workers.
   */
  async queuePosition(principal: Principal, id: string): Promise<QueuePositionDto> {
    const run = await this.runs.findRun(principal, id);
    const [running, workers] = await Promise.all([
      this.prisma.run.findMany({ where: { status: 'running' }, select: { config: true, epochsCompleted: true } }),
      this.prisma.worker.count({ where: { lastHeartbeatAt: { gte: new Date(Date.now() - WORKER_OFFLINE_AFTER_MS) } } }),
    ]);
    if (run.status !== 'queued')
      return { status: run.status, position: null, ahead: 0, running: running.length, workers, estimatedWaitMs: null };
    const ahead = await this.prisma.run.findMany({
      where: { status: 'queued', createdAt: { lt: run.createdAt } },
      select: { config: true },
      orderBy: { createdAt: 'asc' },
      take: QUEUE_LOOKAHEAD,
    });
    const estimate = durationEstimator(await this.recentEpochs());
    const place = {
      status: run.status,
      position: ahead.length + 1,
      ahead: ahead.length,
      running: running.length,
      workers,
    };
    let workMs = 0;
    for (const r of running) {
      const config = r.config as unknown as ExperimentConfig;
      const { epochMs } = estimate(config);
      if (epochMs === null) return { ...place, estimatedWaitMs: null }; // a network no worker has measured yet
      workMs += epochMs * Math.max(0, config.training.epochs - r.epochsCompleted);
    }
    for (const r of ahead) {
      const { totalMs } = estimate(r.config as unknown as ExperimentConfig);
      if (totalMs === null) return { ...place, estimatedWaitMs: null };
      workMs += totalMs;
    }
    return { ...place, estimatedWaitMs: workMs / Math.max(1, workers) };
  }

  private async recentEpochs(): Promise<EpochSample[]> {
    const rows = await this.prisma.epoch.findMany({
      orderBy: { createdAt: 'desc' },
      take: SAMPLE_EPOCHS,
      select: { durationMs: true, run: { select: { config: true, backend: true } } },
    });
    return rows.map((row) => ({
      durationMs: row.durationMs,
      config: row.run.config as unknown as ExperimentConfig,
      backend: row.run.backend,
    }));
  }
}
