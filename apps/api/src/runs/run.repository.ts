import { Injectable } from '@nestjs/common';
import {
  cellKey,
  ListRunsQuerySchema,
  type EpochCompletedEvent,
  type GridCell,
  type RunStatus,
  type EpochDto,
  type ExperimentConfig,
  type ParsedListRunsQuery,
  type GradientFlowDto,
  type PageDto,
  type RunDto,
} from '@gradlab/contracts';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { parseInput } from '../common/parse-input';
import { addEpochToGroupStatistics } from '../groups/group-layer-statistics';
import { PrismaService } from '../prisma/prisma.service';
import { findTeamRun } from './find-team-run';
import { decodeRunCursor, encodeRunCursor } from './run-cursor';
import type { Placement } from '../scheduling/run-placement.service';
import { newRunData, toEpochDto, toLayerGradientDto, toRunDto } from './run.mapper';

/** The largest epoch index there can be (training.epochs is at most 1000; the column is an int4). */
const MAX_EPOCH_INDEX = 2_147_483_647;
/** The statuses a run can still leave: every status change is from one of these, so a finished run stays so. */
const UNFINISHED: RunStatus[] = ['queued', 'running'];
const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * Runs after the cursor's in the list's order. `createdAt <= ` repeats what the OR says, as a bound Postgres
 * can put on the index (it cannot on the OR).
 */
function olderThan(cursor: { createdAt: Date; id: string }) {
  return {
    createdAt: { lte: cursor.createdAt },
    OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
  };
}

/** The caller's team's runs that pass the list filters (the same for REST pages and GraphQL cursors). */
function teamRunsWhere(
  principal: Pick<Principal, 'teamId'>,
  filter: Pick<ParsedListRunsQuery, 'status' | 'blockType' | 'architecture' | 'q'>,
) {
  const { status, blockType, architecture, q } = filter;
  return {
    teamId: principal.teamId,
    status,
    blockType,
    architecture,
    ...(q ? { name: { contains: q, mode: 'insensitive' as const } } : {}),
  };
}

/**
 * A run's member recounted into their cohort tally (MemberRunTally), in the transaction of the write that
 * changed what it counts: its status, start or finish, findings, first epoch, or the run itself.
 */
function refreshTallyOfRun(db: Pick<PrismaService, '$executeRaw'>, runId: string) {
  return db.$executeRaw`
    SELECT refresh_member_run_tally("teamId", "createdById") FROM "Run"
    WHERE "id" = ${runId}::uuid AND "createdById" IS NOT NULL`;
}

function refreshTally(db: Pick<PrismaService, '$executeRaw'>, run: { teamId: string; createdById: string | null }) {
  return run.createdById
    ? db.$executeRaw`SELECT refresh_member_run_tally(${run.teamId}::uuid, ${run.createdById}::uuid)`
    : Promise.resolve(0);
}

/**
 * The Run table's one owner: every insert, update and status change of a run is a method here, named for what
 * happens (run-writers.spec.ts holds every other file to it), and each keeps the run's member's cohort tally
 * in the same transaction. Reads are within the caller's team: another team's run is answered like one that
 * does not exist.
 */
@Injectable()
export class RunRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(principal: Pick<Principal, 'teamId'>, id: string) {
    return findTeamRun(this.prisma, principal, id);
  }

  /**
   * A page of the list, newest first: by cursor (`after`, the last run's (createdAt, id)), a range of the
   * (teamId, createdAt, id) index however deep, and runs submitted meanwhile never shift the next page; or by
   * page number, an offset, which Postgres reads through (about 45 ms at page 2,000 of 100,000 runs).
   */
  async page(principal: Principal, query: ParsedListRunsQuery): Promise<PageDto<RunDto>> {
    const { page, pageSize, after, ...filter } = query;
    const where = teamRunsWhere(principal, filter);
    const cursor = after ? decodeRunCursor(after) : undefined;
    const [rows, total] = await Promise.all([
      this.prisma.run.findMany({
        where: cursor ? { ...where, ...olderThan(cursor) } : where,
        orderBy: NEWEST_FIRST,
        skip: cursor ? 0 : (page - 1) * pageSize,
        take: pageSize + 1,
      }),
      this.prisma.run.count({ where }),
    ]);
    const items = rows.slice(0, pageSize);
    const last = items.at(-1);
    return {
      items: items.map(toRunDto),
      page: cursor ? null : page,
      pageSize,
      total,
      nextCursor: rows.length > pageSize && last ? encodeRunCursor(last.createdAt, last.id) : null,
    };
  }

  /** GraphQL's connection over the same pages by cursor. */
  async after(
    principal: Principal,
    filter: Record<string, string | undefined>,
    first: number,
    after: string | null,
  ): Promise<{ items: RunDto[]; endCursor: string | null; hasNextPage: boolean; totalCount: number }> {
    const query = parseInput(ListRunsQuerySchema, { ...filter, pageSize: first }, 'filter');
    const page = await this.page(principal, { ...query, after: after ?? undefined });
    const last = page.items.at(-1);
    return {
      items: page.items,
      endCursor: last ? encodeRunCursor(new Date(last.createdAt), last.id) : null,
      hasNextPage: page.nextCursor !== null,
      totalCount: page.total,
    };
  }

  async epochs(runId: string): Promise<EpochDto[]> {
    const rows = await this.prisma.epoch.findMany({ where: { runId }, orderBy: { index: 'asc' } });
    return rows.map(toEpochDto);
  }

  /**
   * An epoch's gradient flow (by default the latest epoch; 0 before the first). A run without one, as an
   * imported run or one not yet started, has no layers; an epoch the run has not reached is not found.
   */
  async gradientFlow(runId: string, epochParam: unknown): Promise<GradientFlowDto> {
    let epoch: number;
    if (epochParam === undefined || epochParam === '') {
      const latest = await this.prisma.epoch.findFirst({
        where: { runId },
        orderBy: { index: 'desc' },
        select: { index: true },
      });
      epoch = latest?.index ?? 0;
    } else {
      epoch = epochIndex(epochParam);
      const reached = await this.prisma.epoch.count({ where: { runId, index: epoch } });
      if (!reached) throw new DomainError('NOT_FOUND', `run ${runId} has no epoch ${epoch}`);
    }
    const layers = await this.prisma.layerGradient.findMany({
      where: { runId, epoch },
      orderBy: { layerIndex: 'asc' },
    });
    return { runId, epoch, layers: layers.map(toLayerGradientDto) };
  }

  /** The epochs of many runs in one query (GraphQL's run lists), in the order asked. */
  async epochsOfRuns(runIds: readonly string[]): Promise<EpochDto[][]> {
    const rows = await this.prisma.epoch.findMany({
      where: { runId: { in: [...runIds] } },
      orderBy: [{ runId: 'asc' }, { index: 'asc' }],
    });
    const byRun = groupBy(rows, (row) => row.runId);
    return runIds.map((id) => (byRun.get(id) ?? []).map(toEpochDto));
  }

  /**
   * One epoch's gradient flow for many runs (null epoch: the run's latest), in two queries whatever their
   * number; null where a run has no such epoch.
   */
  async gradientFlowOfRuns(
    requests: readonly { runId: string; epoch: number | null }[],
  ): Promise<(GradientFlowDto | null)[]> {
    const needLatest = [...new Set(requests.filter((r) => r.epoch === null).map((r) => r.runId))];
    const latest = needLatest.length
      ? await this.prisma.epoch.groupBy({ by: ['runId'], where: { runId: { in: needLatest } }, _max: { index: true } })
      : [];
    const latestOf = new Map(latest.map((row) => [row.runId, row._max.index]));
    const wanted = requests.map((r) => ({ runId: r.runId, epoch: r.epoch ?? latestOf.get(r.runId) ?? null }));
    const pairs = wanted.filter((w): w is { runId: string; epoch: number } => w.epoch !== null);
    const rows = pairs.length
      ? await this.prisma.layerGradient.findMany({
          where: { OR: pairs },
          orderBy: [{ runId: 'asc' }, { epoch: 'asc' }, { layerIndex: 'asc' }],
        })
      : [];
    const byRunEpoch = groupBy(rows, (row) => `${row.runId}:${row.epoch}`);
    return wanted.map(({ runId, epoch }) => {
      const layers = epoch === null ? undefined : byRunEpoch.get(`${runId}:${epoch}`);
      return layers && epoch !== null ? { runId, epoch, layers: layers.map(toLayerGradientDto) } : null;
    });
  }

  /** Gradient flow of every stored epoch, in epoch order: what the layer x epoch heatmap draws. */
  async gradientFlowHistory(runId: string): Promise<GradientFlowDto[]> {
    const rows = await this.prisma.layerGradient.findMany({
      where: { runId },
      orderBy: [{ epoch: 'asc' }, { layerIndex: 'asc' }],
    });
    const byEpoch = new Map<number, GradientFlowDto>();
    for (const row of rows) {
      let flow = byEpoch.get(row.epoch);
      if (!flow) byEpoch.set(row.epoch, (flow = { runId, epoch: row.epoch, layers: [] }));
      flow.layers.push(toLayerGradientDto(row));
    }
    return [...byEpoch.values()];
  }

  /**
   * A worker took the run: it runs, on this backend and device (a run still queued gets its start time too).
   * A finished run is never reopened.
   */
  async markStarted(
    runId: string,
    at: Date,
    worker: { backend: string; device: string | null; workerId: string; host: string },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.run.updateMany({ where: { id: runId, status: 'queued' }, data: { startedAt: at } }),
      this.prisma.run.updateMany({
        where: { id: runId, status: { in: UNFINISHED } },
        data: {
          status: 'running',
          backend: worker.backend,
          device: worker.device,
          workerId: worker.workerId,
          workerHost: worker.host,
          error: null,
        },
      }),
      refreshTallyOfRun(this.prisma, runId),
    ]);
  }

  /**
   * Stores an epoch, its layer rows, its group's running statistics and the run's counters in one
   * transaction; false when it was already stored, or the run does not exist. Plain SQL, the layer rows in
   * one statement: through Prisma's query builder the 77 rows of a VGG_38 epoch took about 60% of the api's
   * CPU while 30 workers reported (bench:load, bench/README.md).
   */
  recordEpoch(e: EpochCompletedEvent): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [run] = await tx.$queryRaw<{ groupId: string | null; cell: unknown }[]>`
        SELECT "groupId", "cell" FROM "Run" WHERE "id" = ${e.runId}::uuid`;
      if (!run) return false;
      // ON CONFLICT DO NOTHING: a concurrent duplicate waits for this row, then inserts nothing.
      const count = await tx.$executeRaw`
        INSERT INTO "Epoch" ("runId", "index", "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "learningRate", "durationMs")
        VALUES (${e.runId}::uuid, ${e.epoch}, ${e.trainLoss}, ${e.trainAccuracy}, ${e.valLoss}, ${e.valAccuracy},
                ${e.learningRate}, ${Math.round(e.durationMs)})
        ON CONFLICT DO NOTHING`;
      if (count === 0) return false;
      if (e.layers.length > 0) {
        const column = <K extends keyof (typeof e.layers)[number]>(key: K) => e.layers.map((l) => l[key] ?? null);
        await tx.$executeRaw`
          INSERT INTO "LayerGradient" ("runId", "epoch", "layerIndex", "name", "shortName", "kind", "meanAbs",
            "lastBatchMeanAbs", "l2", "maxAbs", "nonFiniteCount", "weightL2", "updateRatio")
          SELECT ${e.runId}::uuid, ${e.epoch}, * FROM unnest(
            ${column('layerIndex')}::int[], ${column('name')}::text[], ${column('shortName')}::text[],
            ${column('kind')}::text[], ${column('meanAbs')}::float8[], ${column('lastBatchMeanAbs')}::float8[],
            ${column('l2')}::float8[], ${column('maxAbs')}::float8[], ${column('nonFiniteCount')}::int[],
            ${column('weightL2')}::float8[], ${column('updateRatio')}::float8[])`;
      }
      // A group's running statistics take the epoch in the same transaction: counted once, with it.
      if (run.groupId && e.layers.length > 0)
        await addEpochToGroupStatistics(
          tx,
          { groupId: run.groupId, cell: cellKey((run.cell ?? {}) as GridCell) },
          e.epoch,
          e.layers,
        );
      const [{ epochsCompleted }] = await tx.$queryRaw<{ epochsCompleted: number }[]>`
        UPDATE "Run" SET
          -- this transaction added the epoch; + 1 under the run's row lock stays exact when several are stored
          -- at once (a recount's snapshot would miss an epoch committed meanwhile)
          "epochsCompleted" = "epochsCompleted" + 1,
          "bestEpoch" = CASE WHEN "bestValAccuracy" IS NULL OR ${e.valAccuracy} > "bestValAccuracy" THEN ${e.epoch} ELSE "bestEpoch" END,
          "bestValAccuracy" = GREATEST(COALESCE("bestValAccuracy", ${e.valAccuracy}), ${e.valAccuracy}),
          "updatedAt" = now()
        WHERE "id" = ${e.runId}::uuid
        RETURNING "epochsCompleted"`;
      // a run diagnosed healthy counts as such once it has an epoch
      if (epochsCompleted === 1) await refreshTallyOfRun(tx, e.runId);
      return true;
    });
  }

  /** How far a run got: its epochs stored against its total, and its status; null for no such run. */
  progress(runId: string) {
    return this.prisma.run.findUnique({
      where: { id: runId },
      select: { epochsCompleted: true, totalEpochs: true, status: true },
    });
  }

  /** The run completed with these test metrics; a run that finished otherwise meanwhile keeps its status. */
  async complete(
    runId: string,
    at: Date,
    result: { testLoss: number | null; testAccuracy: number | null; bestEpoch: number | null },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.run.updateMany({
        where: { id: runId, status: { in: UNFINISHED } },
        data: { status: 'completed', finishedAt: at, ...result },
      }),
      refreshTallyOfRun(this.prisma, runId),
    ]);
  }

  /** The run failed with this error; a run that finished meanwhile keeps its status. */
  async fail(runId: string, at: Date, error: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.run.updateMany({
        where: { id: runId, status: { in: UNFINISHED } },
        data: { status: 'failed', finishedAt: at, error },
      }),
      refreshTallyOfRun(this.prisma, runId),
    ]);
  }

  /** Marks a queued or running run cancelled; a run that finished meanwhile keeps its status. */
  async markCancelled(runId: string, at = new Date()): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.run.updateMany({
        where: { id: runId, status: { in: UNFINISHED } },
        data: { status: 'cancelled', finishedAt: at },
      }),
      refreshTallyOfRun(this.prisma, runId),
    ]);
  }

  /**
   * A run given to a pool whose workers are gone goes back to the queue, to be given again (the reconciler);
   * false when it started or finished meanwhile.
   */
  async requeue(runId: string): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({
      where: { id: runId, status: 'queued', startedAt: null },
      data: { dispatchedAt: null, pool: null },
    });
    return count > 0;
  }

  /** The codes and severities of a run's latest diagnosis, kept on it for the staff cohort view. */
  async recordFindings(runId: string, findings: { code: string; severity: string }[]): Promise<void> {
    const json = JSON.stringify(findings);
    await this.prisma.$transaction(async (tx) => {
      // A run is diagnosed after every epoch, mostly with the findings it had: only a change is written and
      // recounted into its member's tally.
      const changed = await tx.$executeRaw`
        UPDATE "Run" SET findings = ${json}::jsonb, "updatedAt" = now()
        WHERE "id" = ${runId}::uuid AND findings IS DISTINCT FROM ${json}::jsonb`;
      if (changed > 0) await refreshTallyOfRun(tx, runId);
    });
  }

  /**
   * A new queued run of the caller (a group's member with its group and grid cell), inside the transaction
   * that checked the team's room in the queue (SubmissionLimitsService.withQueueRoom).
   */
  async createQueued(
    tx: Pick<PrismaService, 'run' | '$executeRaw'>,
    principal: Pick<Principal, 'teamId' | 'userId'>,
    name: string,
    config: ExperimentConfig,
    placement: Placement,
    member?: { groupId: string; cell: GridCell | undefined },
  ) {
    const run = await tx.run.create({
      data: {
        ...newRunData(principal, name, config, placement),
        ...(member ? { groupId: member.groupId, cell: member.cell } : {}),
      },
    });
    await refreshTally(tx, run);
    return run;
  }

  /** A finished run imported from the course framework's result files, inside its import's transaction. */
  async createImported(
    tx: Pick<PrismaService, 'run' | '$executeRaw'>,
    principal: Pick<Principal, 'teamId' | 'userId'>,
    run: {
      name: string;
      config: ExperimentConfig;
      architecture: string;
      epochs: number;
      bestEpoch: number;
      bestValAccuracy: number;
      testAccuracy: number | null;
      testLoss: number | null;
    },
  ) {
    const created = await tx.run.create({
      data: {
        name: run.name,
        kind: 'imported',
        status: 'completed',
        config: run.config as object,
        architecture: run.architecture,
        blockType: run.config.model.blockType,
        totalEpochs: run.epochs,
        backend: 'PyTorch (imported)',
        teamId: principal.teamId,
        createdById: principal.userId,
        epochsCompleted: run.epochs,
        bestEpoch: run.bestEpoch,
        bestValAccuracy: run.bestValAccuracy,
        testAccuracy: run.testAccuracy,
        testLoss: run.testLoss,
      },
    });
    await refreshTally(tx, created);
    return created;
  }

  /** Undoes a submission that could not be queued: nothing half-written is kept. */
  async delete(runId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const run = await tx.run.delete({ where: { id: runId } });
      await refreshTally(tx, run);
    });
  }
}

/** An epoch index from a query: epochs are stored as int4, so a larger number is no epoch, not a database error. */
export function epochIndex(value: unknown): number {
  const epoch = Number(value);
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH_INDEX) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `invalid query: epoch: must be an integer from 0 to ${MAX_EPOCH_INDEX}`,
      [{ field: 'epoch', message: `must be an integer from 0 to ${MAX_EPOCH_INDEX}` }],
    );
  }
  return epoch;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
