import type { ExperimentConfig } from '@gradlab/contracts';
import type { PrismaService } from '../prisma/prisma.service';

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/**
 * The scheduler's writes to the Run table (RunRepository owns every other one; run-writers.spec.ts holds the
 * rest of the code to the two).
 */
export const SchedulingRepository = {
  /**
   * Gives a queued run, not yet given, to `pool` inside the dispatch decision's transaction; its config, or
   * null when another decision gave it first or it is no longer queued.
   */
  async markDispatched(tx: Tx, runId: string, pool: string): Promise<{ config: ExperimentConfig } | null> {
    const [run] = await tx.$queryRaw<{ config: ExperimentConfig }[]>`
      UPDATE "Run" SET "dispatchedAt" = now(), pool = ${pool}
      WHERE id = ${runId}::uuid AND "status" = 'queued' AND "dispatchedAt" IS NULL
      RETURNING config`;
    return run ?? null;
  },
};
