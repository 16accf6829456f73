import { Injectable } from '@nestjs/common';
import {
  CPU_POOL,
  GPU_POOL,
  poolOfBackend,
  type DurationEstimateDto,
  type ExperimentConfig,
  type RunResources,
} from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { durationEstimator, type EpochSample } from './duration-estimate';
import { storedConfig } from '../common/stored-config';
import { gpuWaitEndsAt } from './scheduling-policy';
import { SchedulingRepository } from './scheduling.repository';

/** Recent epochs are what the workers of today measured; older ones may be of other hardware. */
const SAMPLE_EPOCHS = 500;

/** A stored epoch with the pool of the worker that trained it. */
export interface PooledEpochSample extends EpochSample {
  pool: string;
}

/** What a run asks of the worker that takes it, as stored on the run for the dispatcher. */
export interface Placement {
  requiredPool: string | null;
  minSpeed: number | null;
  /** Over CPU_MAX_ESTIMATE_H on a CPU worker: while a GPU worker is seen, only a GPU worker takes it. */
  prefersGpu: boolean;
}

/** Where a run will train and how long it will take there, from the epochs workers measured. */
@Injectable()
export class RunPlacementService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  async recentEpochs(): Promise<PooledEpochSample[]> {
    const rows = await this.prisma.epoch.findMany({
      orderBy: { createdAt: 'desc' },
      take: SAMPLE_EPOCHS,
      select: { durationMs: true, run: { select: { config: true, backend: true, pool: true } } },
    });
    return rows.map((row) => ({
      durationMs: row.durationMs,
      config: storedConfig(row.run),
      backend: row.run.backend,
      pool: row.run.pool ?? poolOfBackend(row.run.backend ?? ''),
    }));
  }

  async gpuSeen(): Promise<boolean> {
    return (await this.gpuWaitEndsAt()) !== null;
  }

  /** Until when a run too long for a CPU worker waits for a GPU worker (scheduling-policy.ts's rule). */
  async gpuWaitEndsAt(): Promise<Date | null> {
    return gpuWaitEndsAt(await SchedulingRepository.lastGpuHeartbeat(this.prisma), this.config.gpuSeenWindowMs);
  }

  /** Whether a config is too long for a CPU worker (CPU_MAX_ESTIMATE_H), by the CPU workers' epochs. */
  prefersGpu(samples: PooledEpochSample[], config: ExperimentConfig): boolean {
    const onCpu = durationEstimator(samples.filter((s) => s.pool === CPU_POOL))(config);
    return onCpu.totalMs !== null && onCpu.totalMs > this.config.cpuMaxEstimateMs;
  }

  async placement(configs: ExperimentConfig[], resources: RunResources | undefined): Promise<Placement[]> {
    const samples = resources?.pool ? [] : await this.recentEpochs();
    return configs.map((config) => ({
      requiredPool: resources?.pool ?? null,
      minSpeed: resources?.minSpeed ?? null,
      prefersGpu: resources?.pool ? false : this.prefersGpu(samples, config),
    }));
  }

  /**
   * How long `config` would train on the pool it would go to: the pool it asks for; a GPU worker's when it
   * is too long for a CPU one and a GPU worker was seen lately (GPU_SEEN_WINDOW_MIN); otherwise the pool of the most
   * recently measured epoch.
   */
  async estimate(config: ExperimentConfig, resources?: RunResources): Promise<DurationEstimateDto> {
    const samples = await this.recentEpochs();
    const waitsForGpu = !resources?.pool && this.prefersGpu(samples, config) && (await this.gpuSeen());
    const pool = resources?.pool ?? (waitsForGpu ? GPU_POOL : (samples[0]?.pool ?? null));
    const estimate = durationEstimator(pool === null ? samples : samples.filter((s) => s.pool === pool))(config);
    return { ...estimate, pool, waitsForGpu };
  }

  /** An estimator over the recent epochs of every pool, for a queue's worth of configs. */
  async estimator() {
    return durationEstimator(await this.recentEpochs());
  }
}
