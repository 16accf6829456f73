import { Injectable } from '@nestjs/common';
import { WORKER_OFFLINE_AFTER_MS, type QueuePositionDto, type RunStatus } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { storedConfig } from '../common/stored-config';
import { PrismaService } from '../prisma/prisma.service';
import { planStart, type QueuedRun } from './fair-share';
import { RunPlacementService } from './run-placement.service';
import { SchedulingRepository } from './scheduling.repository';
import { teamShare, weekStart } from './scheduling-policy';

/** What a run's place in the queue depends on, of the run itself. */
export interface QueuedRunRow {
  id: string;
  status: RunStatus;
  requiredPool: string | null;
  dispatchedAt: Date | null;
  prefersGpu: boolean;
}

/** When a queued run will start, from the dispatcher's rules and the epoch times stored. */
@Injectable()
export class QueuePositionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly placement: RunPlacementService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Where a queued run stands in the order the dispatcher will give runs to workers: its decisions played
   * forward (planStart) from every team's use now, over the runs waiting for the same pool's workers (any
   * pool's, for a run that does not ask for one), each worker free when its run's estimate says.
   */
  async of(run: QueuedRunRow): Promise<QueuePositionDto> {
    const online = { lastHeartbeatAt: { gte: new Date(Date.now() - WORKER_OFFLINE_AFTER_MS) } };
    const pool = run.requiredPool;
    const [running, workers] = await Promise.all([
      this.prisma.run.findMany({
        where: { status: { in: ['queued', 'running'] }, dispatchedAt: { not: null }, ...(pool ? { pool } : {}) },
        select: { config: true, epochsCompleted: true },
      }),
      this.prisma.worker.count({ where: { ...online, ...(pool ? { pool } : {}) } }),
    ]);
    const place = { status: run.status, pool, running: running.length, workers, waitsForGpuUntil: null };
    if (run.status !== 'queued' || run.dispatchedAt !== null)
      return { ...place, position: run.status === 'queued' ? 1 : null, ahead: 0, estimatedWaitMs: null };
    const gpuWaitEnds = run.prefersGpu && !pool ? await this.placement.gpuWaitEndsAt() : null;
    const waiting = await this.prisma.run.findMany({
      where: { status: 'queued', dispatchedAt: null, ...(pool ? { requiredPool: pool } : {}) },
      select: { id: true, teamId: true, createdAt: true, config: true },
    });
    const estimate = await this.placement.estimator();
    const teamIds = [...new Set(waiting.map((r) => r.teamId))];
    const now = new Date();
    const [teams, use] = await Promise.all([
      this.prisma.team.findMany({ where: { id: { in: teamIds } } }),
      SchedulingRepository.teamUse(
        this.prisma,
        new Date(now.getTime() - this.config.fairShareWindowMs),
        weekStart(now),
        teamIds,
      ),
    ]);
    const shares = new Map(teams.map((t) => [t.id, teamShare(t, use.get(t.id))]));
    // Each worker is free when the run it has is done (a run's epochs left, by its estimate); idle ones now.
    let unknown = false;
    const freeIn = running.map((r) => {
      const config = storedConfig(r);
      const { epochMs } = estimate(config);
      if (epochMs === null) unknown = true;
      return (epochMs ?? 0) * Math.max(0, config.training.epochs - r.epochsCompleted);
    });
    while (freeIn.length < workers) freeIn.push(0);
    freeIn.sort((a, b) => a - b);
    const queued: QueuedRun[] = waiting.map((r) => ({
      runId: r.id,
      teamId: r.teamId,
      createdAt: r.createdAt,
      estimateMs: estimate(storedConfig(r)).totalMs,
    }));
    const plan = planStart(run.id, queued, shares, freeIn.slice(0, Math.max(1, workers)));
    const position = plan?.position ?? queued.length;
    return {
      ...place,
      waitsForGpuUntil: gpuWaitEnds?.toISOString() ?? null,
      position,
      ahead: position - 1,
      estimatedWaitMs: unknown || !plan ? null : plan.waitMs, // with no worker online: as if one came
    };
  }
}
