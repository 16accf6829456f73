import { Injectable } from '@nestjs/common';
import {
  ListRunsQuerySchema,
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
import { PrismaService } from '../prisma/prisma.service';
import { findTeamRun } from './find-team-run';
import { decodeRunCursor, encodeRunCursor } from './run-cursor';
import type { Placement } from '../scheduling/run-placement.service';
import { newRunData, toEpochDto, toLayerGradientDto, toRunDto } from './run.mapper';

/** The largest epoch index there can be (training.epochs is at most 1000; the column is an int4). */
const MAX_EPOCH_INDEX = 2_147_483_647;
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

/** Run queries, always within the caller's team: another team's run is answered like one that does not exist. */
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

  /** Marks a queued or running run cancelled; a run that finished meanwhile keeps its status. */
  async markCancelled(runId: string): Promise<void> {
    await this.prisma.run.updateMany({
      where: { id: runId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
  }

  /**
   * A new queued run of the caller, inside the transaction that checked the team's room in the queue
   * (SubmissionLimitsService.withQueueRoom).
   */
  createQueued(
    tx: Pick<PrismaService, 'run'>,
    principal: Pick<Principal, 'teamId' | 'userId'>,
    name: string,
    config: ExperimentConfig,
    placement: Placement,
  ) {
    return tx.run.create({ data: newRunData(principal, name, config, placement) });
  }

  /** Undoes a submission that could not be queued: nothing half-written is kept. */
  async delete(runId: string): Promise<void> {
    await this.prisma.run.delete({ where: { id: runId } });
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
