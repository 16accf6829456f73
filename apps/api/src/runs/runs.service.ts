import { Injectable } from '@nestjs/common';
import {
  FINISHED_STATUSES,
  type ParsedCreateRunRequest,
  type EpochDto,
  type GradientFlowDto,
  type ParsedListRunsQuery,
  type PageDto,
  type RunDto,
} from '@gradlab/contracts';
import { architectureName } from '@gradlab/models';
import type { Principal } from '../auth/principal';
import { BlocksService } from '../blocks/blocks.service';
import { DomainError } from '../common/domain-error';
import { LiveEventsPublisher } from '../live-events/live-events.publisher';
import { QuotaService } from '../scheduling/quota.service';
import { RunPlacementService } from '../scheduling/run-placement.service';
import { RunQueue } from './run-queue';
import { toRunDto } from './run.mapper';
import { RunRepository } from './run.repository';
import { SubmissionLimitsService } from './submission-limits.service';

/**
 * What a user does with runs: submit, read and cancel, within their team. Requests arrive validated (a zod
 * pipe at the REST edge, the resolver for GraphQL); queries are RunRepository's, jobs RunQueue's, and live
 * events go out through the LiveEventsPublisher.
 */
/** A submission and a list query as their schemas parse them (defaults filled in). */

@Injectable()
export class RunsService {
  constructor(
    private readonly repository: RunRepository,
    private readonly queue: RunQueue,
    private readonly live: LiveEventsPublisher,
    private readonly limits: SubmissionLimitsService,
    private readonly quota: QuotaService,
    private readonly placement: RunPlacementService,
    private readonly blocks: BlocksService,
  ) {}

  /**
   * Stores the run as queued; the dispatcher gives it to a worker when one that may train it is free, in
   * fair-share order. Refused past the team's weekly budget (429 QUOTA_EXCEEDED). Redis down, the run is
   * stored all the same: it waits in Postgres, as every run does, until the dispatcher can reach Redis again
   * (the rate limits count in this instance's memory meanwhile).
   */
  async create(principal: Principal, request: ParsedCreateRunRequest): Promise<RunDto> {
    await this.limits.checkRate(principal);
    await this.quota.checkBudget(principal);
    // the team's block, by id, becomes the graph itself: the run keeps what it trained
    const config = await this.blocks.resolve(principal, request.config);
    const block = typeof config.model.block === 'object' ? config.model.block.name : config.model.blockType;
    const name = request.name ?? `${architectureName(config.model)} ${block} seed ${config.training.seed}`;
    const [placement] = await this.placement.placement([config], request.resources);
    const run = await this.limits.withQueueRoom(principal, (tx) =>
      this.repository.createQueued(tx, principal, name, config, placement),
    );
    this.queue.submitted();
    return toRunDto(run);
  }

  /** The caller's team's runs only. */
  list(principal: Principal, query: ParsedListRunsQuery): Promise<PageDto<RunDto>> {
    return this.repository.page(principal, query);
  }

  /** GraphQL's cursor pages (RunRepository.after). */
  listAfter(principal: Principal, filter: Record<string, string | undefined>, first: number, after: string | null) {
    return this.repository.after(principal, filter, first, after);
  }

  async get(principal: Principal, id: string): Promise<RunDto> {
    return toRunDto(await this.repository.find(principal, id));
  }

  async epochs(principal: Principal, id: string): Promise<EpochDto[]> {
    await this.repository.find(principal, id);
    return this.repository.epochs(id);
  }

  /** Gradient flow of one epoch, by default the latest one stored. */
  async gradientFlow(principal: Principal, id: string, epoch: unknown): Promise<GradientFlowDto> {
    await this.repository.find(principal, id);
    return this.repository.gradientFlow(id, epoch);
  }

  /** Gradient flow of every stored epoch, in epoch order. */
  async gradientFlowHistory(principal: Principal, id: string): Promise<GradientFlowDto[]> {
    await this.repository.find(principal, id);
    return this.repository.gradientFlowHistory(id);
  }

  /** Cancels a queued or running run: its job is removed or flagged, and the run is marked cancelled at once. */
  async cancel(principal: Principal, id: string): Promise<RunDto> {
    const run = await this.repository.find(principal, id);
    if (FINISHED_STATUSES.includes(run.status)) throw new DomainError('CONFLICT', `run ${id} is already ${run.status}`);
    this.queue.ensureReachable(`run ${id} was not cancelled`);
    await this.queue.cancel(id, run.pool);
    await this.repository.markCancelled(id);
    const updated = toRunDto(await this.repository.find(principal, id));
    this.live.emit(id, 'run.updated', updated);
    return updated;
  }

  /** Another team's run is answered exactly like a run that does not exist. */
  findRun(principal: Pick<Principal, 'teamId'>, id: string) {
    return this.repository.find(principal, id);
  }
}
