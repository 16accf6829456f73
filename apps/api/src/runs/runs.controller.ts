import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc, IdParam } from '../docs/api-route';
import {
  CreateRunRequest,
  DiagnosisDto,
  DurationEstimateDto,
  EpochDto,
  EstimateRequest,
  GradientFlowDto,
  ListRunsQuery,
  QueuePositionDto,
  RunDto,
  RunPageDto,
} from '../docs/contract-dtos';
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
    400: 'a field is invalid: `errors` names each',
    429: 'rate limited, the team’s queue is full (QUEUE_FULL), or its weekly budget is spent (QUOTA_EXCEEDED: `quota`)',
    503: 'the queue is unreachable; nothing was stored',
  })
  @Answers(201, 'queued', RunDto)
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateRunRequest): Promise<RunDto> {
    return this.runs.create(principal, request);
  }

  /** How long a config would train, before it is submitted. */
  @Post('estimate')
  @ApiDoc('How long a config would train, from the epoch times workers measured', { 400: 'a field is invalid' })
  @Answers(200, 'the estimate', DurationEstimateDto)
  estimate(@CurrentPrincipal() principal: Principal, @Body() request: EstimateRequest): Promise<DurationEstimateDto> {
    return this.estimates.estimate(principal, request.config, request.resources);
  }

  @Get()
  @ApiDoc('Runs, newest first', { 400: 'bad query' })
  @Answers(200, 'a page of runs', RunPageDto)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListRunsQuery): Promise<RunPageDto> {
    return this.runs.list(principal, query);
  }

  @Get(':id')
  @ApiDoc('One run', { 404: 'no such run' })
  @Answers(200, 'the run', RunDto)
  get(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<RunDto> {
    return this.runs.get(principal, id);
  }

  @Get(':id/queue')
  @ApiDoc("A queued run's place in the queue and its estimated wait", { 404: 'no such run' })
  @Answers(200, 'its place', QueuePositionDto)
  async queuePosition(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<QueuePositionDto> {
    return this.queuePositions.of(await this.runs.findRun(principal, id));
  }

  @Get(':id/epochs')
  @ApiDoc("A run's epochs", { 404: 'no such run' })
  @Answers(200, 'epochs in order', [EpochDto])
  epochs(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<EpochDto[]> {
    return this.runs.epochs(principal, id);
  }

  @Get(':id/gradient-flow')
  @ApiDoc('Per-layer gradient statistics of one epoch', { 400: 'a bad epoch', 404: 'no such run or epoch' })
  @ApiQuery({
    name: 'epoch',
    required: false,
    schema: { type: 'integer', minimum: 0 },
    description: 'default: the latest stored epoch',
  })
  @Answers(200, 'one row per weight tensor; none for an imported run', GradientFlowDto)
  gradientFlow(
    @CurrentPrincipal() principal: Principal,
    @IdParam('run') id: string,
    @Query('epoch') epoch?: string,
  ): Promise<GradientFlowDto> {
    return this.runs.gradientFlow(principal, id, epoch);
  }

  @Get(':id/gradient-flow/all')
  @ApiDoc('Per-layer gradient statistics of every stored epoch (the layer x epoch heatmap)', { 404: 'no such run' })
  @Answers(200, 'one entry per epoch, in order', [GradientFlowDto])
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
    { 404: 'no such run' },
  )
  @Answers(200, 'its findings; none: nothing found', DiagnosisDto)
  async diagnose(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<DiagnosisDto> {
    const run = await this.runs.findRun(principal, id);
    return this.diagnosis.diagnose(run.id, storedConfig(run));
  }

  @Post(':id/cancel')
  @ApiDoc('Cancel a queued or running run', { 404: 'no such run', 409: 'already finished' })
  @Answers(200, 'cancelled', RunDto)
  cancel(@CurrentPrincipal() principal: Principal, @IdParam('run') id: string): Promise<RunDto> {
    return this.runs.cancel(principal, id);
  }
}
