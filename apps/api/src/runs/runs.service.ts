import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  cancelKey,
  CreateRunRequestSchema,
  FINISHED_STATUSES,
  JOBS,
  ListRunsQuerySchema,
  type ListRunsQuery,
  QUEUES,
  TRAINING_JOB_OPTIONS,
  TRAINING_JOB_VERSION,
  type EpochDto,
  type ExperimentConfig,
  type GradientFlowDto,
  type PageDto,
  type RunDto,
  type TrainingJob,
} from '@gradlab/contracts';
import { architectureName } from '@gradlab/models';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import { parseInput } from '../common/parse-input';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';
import type { Principal } from '../auth/principal';
import { RunEventsGateway } from './run-events.gateway';
import { findTeamRun } from './find-team-run';
import { SubmissionLimitsService } from './submission-limits.service';
import { newRunData, toEpochDto, toLayerGradientDto, toRunDto } from './run.mapper';

/** The caller's team's runs that pass the list filters (the same for REST pages and GraphQL cursors). */
function teamRunsWhere(principal: Pick<Principal, 'teamId'>, filter: Pick<ListRunsQuery, 'status' | 'blockType' | 'architecture' | 'q'>) {
  const { status, blockType, architecture, q } = filter;
  return { teamId: principal.teamId, status, blockType, architecture, ...(q ? { name: { contains: q, mode: 'insensitive' as const } } : {}) };
}

const CURSOR_EARLIEST = Date.UTC(2000, 0, 1);
const CURSOR_LATEST = Date.UTC(9999, 11, 31);
const encodeCursor = (createdAt: Date, id: string) => Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    // Only dates this api can have given out: Postgres refuses some that JavaScript accepts.
    const time = Date.parse(createdAt);
    if (time >= CURSOR_EARLIEST && time <= CURSOR_LATEST && isUuid(id)) return [createdAt, id];
  } catch {
    // answered below
  }
  throw new DomainError('VALIDATION_FAILED', 'invalid query: after: not a cursor this api gave out', [
    { field: 'after', message: 'not a cursor this api gave out' },
  ]);
}

/** The largest epoch index there can be (training.epochs is at most 1000; the column is an int4). */
const MAX_EPOCH_INDEX = 2_147_483_647;

/** Seven days: long enough for any run to notice that it was cancelled. */
const CANCEL_FLAG_TTL_S = 7 * 24 * 3600;

@Injectable()
export class RunsService {
  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(QUEUES.training) private readonly trainingQueue: Queue<TrainingJob>,
    private readonly gateway: RunEventsGateway,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly limits: SubmissionLimitsService,
  ) {}

  async create(principal: Principal, body: unknown): Promise<RunDto> {
    const request = parseInput(CreateRunRequestSchema, body, 'run');
    await this.limits.checkRate(principal);
    const config = request.config;
    const architecture = architectureName(config.model);
    const run = await this.limits.withQueueRoom(principal, (tx) =>
      tx.run.create({ data: newRunData(principal, request.name ?? `${architecture} ${config.model.blockType} seed ${config.training.seed}`, config) }),
    );
    try {
      await this.enqueue(run.id, config);
    } catch (error) {
      // Nothing half-written: a run that could not be queued is not kept.
      await this.prisma.run.delete({ where: { id: run.id } });
      throw new DomainError('UNAVAILABLE', `could not queue the run: ${(error as Error).message}`);
    }
    return toRunDto(run);
  }

  /** The caller's team's runs only. */
  async list(principal: Principal, query: unknown): Promise<PageDto<RunDto>> {
    const { page, pageSize, ...filter } = parseInput(ListRunsQuerySchema, query, 'query');
    const where = teamRunsWhere(principal, filter);
    const [items, total] = await Promise.all([
      this.prisma.run.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (page - 1) * pageSize, take: pageSize }),
      this.prisma.run.count({ where }),
    ]);
    return { items: items.map(toRunDto), page, pageSize, total };
  }

  /**
   * Cursor pagination for GraphQL: newest first, the cursor the last run's (createdAt, id), so a page is an
   * index range scan however deep it is, and runs submitted meanwhile never shift the next page.
   */
  async listAfter(
    principal: Principal,
    filter: Record<string, string | undefined>,
    first: number,
    after: string | null,
  ): Promise<{ items: RunDto[]; endCursor: string | null; hasNextPage: boolean; totalCount: number }> {
    const where = teamRunsWhere(principal, parseInput(ListRunsQuerySchema, { ...filter, pageSize: first }, 'filter'));
    let cursor: { createdAt: Date; id: string } | undefined;
    if (after) {
      const [createdAt, id] = decodeCursor(after);
      cursor = { createdAt: new Date(createdAt), id };
    }
    const page = cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {};
    const [rows, totalCount] = await Promise.all([
      this.prisma.run.findMany({ where: { ...where, ...page }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 }),
      this.prisma.run.count({ where }),
    ]);
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return { items: items.map(toRunDto), endCursor: last ? encodeCursor(last.createdAt, last.id) : null, hasNextPage: rows.length > first, totalCount };
  }

  async get(principal: Principal, id: string): Promise<RunDto> {
    return toRunDto(await this.findRun(principal, id));
  }

  async epochs(principal: Principal, id: string): Promise<EpochDto[]> {
    await this.findRun(principal, id);
    const rows = await this.prisma.epoch.findMany({ where: { runId: id }, orderBy: { index: 'asc' } });
    return rows.map(toEpochDto);
  }

  /** Gradient flow of one epoch, by default the latest one stored. */
  async gradientFlow(principal: Principal, id: string, epochParam: unknown): Promise<GradientFlowDto> {
    await this.findRun(principal, id);
    let epoch: number;
    if (epochParam === undefined || epochParam === '') {
      const latest = await this.prisma.epoch.findFirst({ where: { runId: id }, orderBy: { index: 'desc' }, select: { index: true } });
      if (!latest) throw new DomainError('NOT_FOUND', `run ${id} has no epochs yet`);
      epoch = latest.index;
    } else {
      epoch = Number(epochParam);
      // Epochs are stored as int4: a larger number is no epoch, not a database error.
      if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH_INDEX) {
        throw new DomainError('VALIDATION_FAILED', `invalid query: epoch: must be an integer from 0 to ${MAX_EPOCH_INDEX}`, [
          { field: 'epoch', message: `must be an integer from 0 to ${MAX_EPOCH_INDEX}` },
        ]);
      }
    }
    const layers = await this.prisma.layerGradient.findMany({ where: { runId: id, epoch }, orderBy: { layerIndex: 'asc' } });
    if (layers.length === 0) throw new DomainError('NOT_FOUND', `run ${id} has no gradient flow for epoch ${epoch}`);
    return { runId: id, epoch, layers: layers.map(toLayerGradientDto) };
  }

  /** Gradient flow of every stored epoch, in epoch order: what the layer x epoch heatmap draws. */
  async gradientFlowHistory(principal: Principal, id: string): Promise<GradientFlowDto[]> {
    await this.findRun(principal, id);
    const rows = await this.prisma.layerGradient.findMany({ where: { runId: id }, orderBy: [{ epoch: 'asc' }, { layerIndex: 'asc' }] });
    const byEpoch = new Map<number, GradientFlowDto>();
    for (const row of rows) {
      let flow = byEpoch.get(row.epoch);
      if (!flow) byEpoch.set(row.epoch, (flow = { runId: id, epoch: row.epoch, layers: [] }));
      flow.layers.push(toLayerGradientDto(row));
    }
    return [...byEpoch.values()];
  }

  /**
   * Cancels a queued or running run: removes a job that has not started, and raises the flag that the worker
   * training it polls. The run is marked cancelled at once.
   */
  async cancel(principal: Principal, id: string): Promise<RunDto> {
    const run = await this.findRun(principal, id);
    if (FINISHED_STATUSES.includes(run.status)) throw new DomainError('CONFLICT', `run ${id} is already ${run.status}`);
    await this.redis.client.set(cancelKey(this.config.queuePrefix, id), '1', 'EX', CANCEL_FLAG_TTL_S);
    const job = await this.trainingQueue.getJob(id);
    if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(await job.getState())) {
      await job.remove().catch(() => undefined); // taken meanwhile: the worker will see the flag
    }
    await this.prisma.run.updateMany({ where: { id, status: { in: ['queued', 'running'] } }, data: { status: 'cancelled', finishedAt: new Date() } });
    const updated = toRunDto(await this.findRun(principal, id));
    this.gateway.emit(id, 'run.updated', updated);
    return updated;
  }

  /** Queues many runs' jobs in one round trip (a group's). */
  async enqueueMany(jobs: { runId: string; config: ExperimentConfig }[]): Promise<void> {
    await this.trainingQueue.addBulk(
      jobs.map(({ runId, config }) => ({
        name: JOBS.trainRun,
        data: { v: TRAINING_JOB_VERSION, runId, config } satisfies TrainingJob,
        opts: { ...TRAINING_JOB_OPTIONS, jobId: runId },
      })),
    );
  }

  /** Removes jobs that have not started (undoing a submission that could not complete). */
  async dequeue(runIds: string[]): Promise<void> {
    for (const id of runIds) await (await this.trainingQueue.getJob(id).catch(() => undefined))?.remove().catch(() => undefined);
  }

  /** Queues a run's training job (jobId = runId: a run that still has its job is left alone). */
  async enqueue(runId: string, config: ExperimentConfig): Promise<void> {
    const job: TrainingJob = { v: TRAINING_JOB_VERSION, runId, config };
    await this.trainingQueue.add(JOBS.trainRun, job, { ...TRAINING_JOB_OPTIONS, jobId: runId });
  }

  /** Another team's run is answered exactly like a run that does not exist. */
  findRun(principal: Pick<Principal, 'teamId'>, id: string) {
    return findTeamRun(this.prisma, principal, id);
  }
}
