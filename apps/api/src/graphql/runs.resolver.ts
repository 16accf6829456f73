import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import {
  CreateRunRequestSchema,
  type DiagnosisDto,
  type EpochDto,
  type ExperimentConfig,
  type GradientFlowDto,
  type RunDto,
} from '@gradlab/contracts';
import { DiagnosisService } from '../runs/diagnosis.service';
import { DomainError } from '../common/domain-error';
import { parseInput } from '../common/parse-input';
import { RunEventsPubSub, type RunLiveEvent } from '../live-events/run-events.pubsub';
import { epochIndex } from '../runs/run.repository';
import { RunsService } from '../runs/runs.service';
import type { GraphqlContext } from './graphql-context';
import { RunDataLoaders } from './run-data.loaders';
import { DiagnosisModel } from './group.models';
import { orNull } from './or-null';
import {
  EpochModel,
  GradientFlowModel,
  RunConnection,
  RunFilter,
  RunModel,
  RunProgressEvent,
  SubmitRunInput,
} from './run.models';

const MAX_PAGE = 100;
/**
 * Complexity counts what a field costs the database: SQL_QUERY points for each query it runs, on top of a
 * point a field. So `runs(first: 1) { totalCount }` (a page query and a count) weighs 21, not 1.
 */
const SQL_QUERY = 10;

function toProgressEvent(event: RunLiveEvent): RunProgressEvent {
  switch (event.event) {
    case 'run.progress': {
      const p = event.payload as RunLiveEvent<'run.progress'>['payload'];
      return {
        runId: event.runId,
        kind: 'progress',
        epoch: p.epoch,
        batch: p.batch,
        batchesPerEpoch: p.batchesPerEpoch,
      };
    }
    case 'epoch.completed': {
      const p = event.payload as RunLiveEvent<'epoch.completed'>['payload'];
      return { runId: event.runId, kind: 'epoch', epoch: p.epoch.epoch, epochResult: p.epoch };
    }
    case 'run.diagnosis':
      return {
        runId: event.runId,
        kind: 'diagnosis',
        findingCodes: (event.payload as RunLiveEvent<'run.diagnosis'>['payload']).findings.map((f) => f.code),
      };
    default:
      return { runId: event.runId, kind: 'run', run: event.payload as RunDto };
  }
}

@Resolver(() => RunModel)
export class RunsResolver {
  constructor(
    private readonly runsService: RunsService,
    private readonly loaders: RunDataLoaders,
    private readonly pubSub: RunEventsPubSub,
    private readonly diagnosisService: DiagnosisService,
  ) {}

  @Query(() => RunConnection, {
    description: "The team's runs, newest first; pass endCursor as `after` for the next page",
    complexity: ({ args, childComplexity }) =>
      2 * SQL_QUERY + Math.min(Math.max(1, args.first ?? 25), MAX_PAGE) * childComplexity,
  })
  async runs(
    @Context() ctx: GraphqlContext,
    @Args('filter', { type: () => RunFilter, nullable: true }) filter: RunFilter | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<RunConnection> {
    if (first < 1 || first > MAX_PAGE)
      throw new DomainError('VALIDATION_FAILED', `invalid query: first: must be 1..${MAX_PAGE}`, [
        { field: 'first', message: `must be 1..${MAX_PAGE}` },
      ]);
    return this.runsService.listAfter(ctx.principal, { ...filter }, first, after);
  }

  @Query(() => RunModel, { nullable: true, complexity: ({ childComplexity }) => SQL_QUERY + childComplexity })
  run(@Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<RunDto | null> {
    return orNull(this.runsService.get(ctx.principal, id));
  }

  @ResolveField(() => [EpochModel], { complexity: ({ childComplexity }) => 2 * SQL_QUERY + 20 * childComplexity })
  epochs(@Context() ctx: GraphqlContext, @Parent() run: RunDto): Promise<EpochDto[]> {
    return this.loaders.for(ctx).epochs.load(run.id);
  }

  @ResolveField(() => GradientFlowModel, {
    nullable: true,
    description: 'of one epoch; default: the latest',
    complexity: ({ childComplexity }) => 3 * SQL_QUERY + 10 * childComplexity,
  })
  gradientFlow(
    @Context() ctx: GraphqlContext,
    @Parent() run: RunDto,
    @Args('epoch', { type: () => Int, nullable: true }) epoch: number | null | undefined,
  ): Promise<GradientFlowDto | null> {
    return this.loaders
      .for(ctx)
      .gradientFlow.load({ runId: run.id, epoch: epoch === null || epoch === undefined ? null : epochIndex(epoch) }); // omitted: undefined
  }

  @ResolveField(() => DiagnosisModel, {
    description: 'what the stored epochs and gradient statistics say is wrong (GET /api/runs/:id/diagnosis)',
    complexity: ({ childComplexity }) => 3 * SQL_QUERY + 5 * childComplexity,
  })
  diagnosis(@Parent() run: RunDto): Promise<DiagnosisDto> {
    // The parent run was resolved for the caller's team already.
    return this.diagnosisService.diagnose(run.id, run.config as ExperimentConfig);
  }

  @Mutation(() => RunModel, {
    description: 'The same contract and limits as POST /api/runs; field errors in extensions.fieldErrors',
    complexity: ({ childComplexity }) => 3 * SQL_QUERY + childComplexity,
  })
  submitRun(
    @Context() ctx: GraphqlContext,
    @Args('input', { type: () => SubmitRunInput }) input: SubmitRunInput,
  ): Promise<RunDto> {
    const request = parseInput(
      CreateRunRequestSchema,
      { ...(input.name === undefined || input.name === null ? {} : { name: input.name }), config: input.config },
      'run',
    );
    return this.runsService.create(ctx.principal, request);
  }

  @Mutation(() => RunModel)
  cancelRun(@Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<RunDto> {
    return this.runsService.cancel(ctx.principal, id);
  }

  @Subscription(() => RunProgressEvent, {
    description: 'Batch progress, finished epochs and status changes of one run of your team',
    resolve: (event: RunLiveEvent) => toProgressEvent(event),
  })
  async runProgress(
    @Context() ctx: GraphqlContext,
    @Args('runId', { type: () => ID }) runId: string,
  ): Promise<AsyncIterableIterator<RunLiveEvent>> {
    await this.runsService.findRun(ctx.principal, runId); // another team's run: NOT_FOUND, and no events
    return this.pubSub.iterator(runId);
  }
}
