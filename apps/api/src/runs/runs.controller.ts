import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  CreateRunRequestSchema,
  ListRunsQuerySchema,
  type DurationEstimateDto,
  type EpochDto,
  type GradientFlowDto,
  type PageDto,
  type QueuePositionDto,
  type RunDto,
} from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RunEstimatesService } from './run-estimates.service';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { RunsService, type CreateRunRequest, type ListRunsQuery } from './runs.service';

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly estimates: RunEstimatesService,
  ) {}

  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodValidationPipe(CreateRunRequestSchema, 'run')) request: CreateRunRequest): Promise<RunDto> {
    return this.runs.create(principal, request);
  }

  /** How long a config would train, before it is submitted. */
  @Post('estimate')
  @HttpCode(200)
  estimate(@Body() body: unknown): Promise<DurationEstimateDto> {
    return this.estimates.estimate(body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(ListRunsQuerySchema, 'query')) query: ListRunsQuery): Promise<PageDto<RunDto>> {
    return this.runs.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunDto> {
    return this.runs.get(principal, id);
  }

  @Get(':id/queue')
  queuePosition(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<QueuePositionDto> {
    return this.estimates.queuePosition(principal, id);
  }

  @Get(':id/epochs')
  epochs(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<EpochDto[]> {
    return this.runs.epochs(principal, id);
  }

  @Get(':id/gradient-flow')
  gradientFlow(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('epoch') epoch?: string): Promise<GradientFlowDto> {
    return this.runs.gradientFlow(principal, id, epoch);
  }

  @Get(':id/gradient-flow/all')
  gradientFlowHistory(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<GradientFlowDto[]> {
    return this.runs.gradientFlowHistory(principal, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunDto> {
    return this.runs.cancel(principal, id);
  }
}
