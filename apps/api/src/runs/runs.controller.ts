import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  CreateRunRequestSchema,
  DiagnosisDtoSchema,
  DurationEstimateDtoSchema,
  EpochDtoSchema,
  EstimateRequestSchema,
  GradientFlowDtoSchema,
  ListRunsQuerySchema,
  QueuePositionDtoSchema,
  RunDtoSchema,
  RunPageDtoSchema,
  type DiagnosisDto,
  type DurationEstimateDto,
  type EpochDto,
  type ExperimentConfig,
  type GradientFlowDto,
  type PageDto,
  type ParsedCreateRunRequest,
  type ParsedListRunsQuery,
  type QueuePositionDto,
  type RunDto,
  type RunResources,
} from '@gradlab/contracts';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam, ValidBody, ValidQuery } from '../docs/api-route';
import { DiagnosisService } from './diagnosis.service';
import { QueuePositionService } from '../scheduling/queue-position.service';
import { RunEstimatesService } from './run-estimates.service';
import { RunsService } from './runs.service';
import { storedConfig } from '../common/stored-config';

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly estimates: RunEstimatesService,
    private readonly queuePositions: QueuePositionService,
    private readonly diagnosis: DiagnosisService,
  ) {}

  @Post()
  @ApiDoc('Submit a run', {
    201: ['queued', RunDtoSchema],
    400: 'a field is invalid: `errors` names each',
    429: 'rate limited, the team’s queue is full (QUEUE_FULL), or its weekly budget is spent (QUOTA_EXCEEDED: `quota`)',
    503: 'the queue is unreachable; nothing was stored',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateRunRequestSchema, 'run') request: ParsedCreateRunRequest,
  ): Promise<RunDto> {
    return this.runs.create(principal, request);
  }

  /** How long a config would train, before it is submitted. */
  @Post('estimate')
  @HttpCode(200)
  @ApiDoc('How long a config would train, from the epoch times workers measured', {
    200: ['the estimate', DurationEstimateDtoSchema],
    400: 'a field is invalid',
  })
  estimate(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(EstimateRequestSchema, 'estimate') request: { config: ExperimentConfig; resources?: RunResources },
  ): Promise<DurationEstimateDto> {
    return this.estimates.estimate(principal, request.config, request.resources);
  }

  @Get()
  @ApiDoc('Runs, newest first', { 200: ['a page of runs', RunPageDtoSchema], 400: 'bad query' })
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ListRunsQuerySchema) query: ParsedListRunsQuery,
  ): Promise<PageDto<RunDto>> {
    return this.runs.list(principal, query);
  }

  @Get(':id')
  @ApiDoc('One run', { 200: ['the run', RunDtoSchema], 404: 'no such run' })
  get(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<RunDto> {
    return this.runs.get(principal, id);
  }

  @Get(':id/queue')
  @ApiDoc("A queued run's place in the queue and its estimated wait", {
    200: ['its place', QueuePositionDtoSchema],
    404: 'no such run',
  })
  async queuePosition(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<QueuePositionDto> {
    return this.queuePositions.of(await this.runs.findRun(principal, id));
  }

  @Get(':id/epochs')
  @ApiDoc("A run's epochs", { 200: ['epochs in order', z.array(EpochDtoSchema)], 404: 'no such run' })
  epochs(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<EpochDto[]> {
    return this.runs.epochs(principal, id);
  }

  @Get(':id/gradient-flow')
  @ApiDoc(
    'Per-layer gradient statistics of one epoch',
    {
      200: ['one row per weight tensor; none for an imported run', GradientFlowDtoSchema],
      400: 'a bad epoch',
      404: 'no such run or epoch',
    },
    {
      params: {
        epoch: {
          in: 'query',
          schema: { type: 'integer', minimum: 0 },
          description: 'default: the latest stored epoch',
        },
      },
    },
  )
  gradientFlow(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @Query('epoch') epoch?: string,
  ): Promise<GradientFlowDto> {
    return this.runs.gradientFlow(principal, id, epoch);
  }

  @Get(':id/gradient-flow/all')
  @ApiDoc('Per-layer gradient statistics of every stored epoch (the layer x epoch heatmap)', {
    200: ['one entry per epoch, in order', z.array(GradientFlowDtoSchema)],
    404: 'no such run',
  })
  gradientFlowHistory(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
  ): Promise<GradientFlowDto[]> {
    return this.runs.gradientFlowHistory(principal, id);
  }

  /** What the run's epochs and gradient statistics say is wrong with it (libs/analysis). */
  @Get(':id/diagnosis')
  @ApiDoc(
    'What the run’s stored epochs and gradient statistics say is wrong with it: findings with evidence and fixes (most severe first)',
    {
      200: ['its findings; none: nothing found', DiagnosisDtoSchema],
      404: 'no such run',
    },
  )
  async diagnose(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<DiagnosisDto> {
    const run = await this.runs.findRun(principal, id);
    return this.diagnosis.diagnose(run.id, storedConfig(run));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiDoc('Cancel a queued or running run', {
    200: ['cancelled', RunDtoSchema],
    404: 'no such run',
    409: 'already finished',
  })
  cancel(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<RunDto> {
    return this.runs.cancel(principal, id);
  }
}
