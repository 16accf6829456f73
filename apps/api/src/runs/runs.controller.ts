import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { EpochDto, GradientFlowDto, PageDto, RunDto } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RunsService } from './runs.service';

@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<RunDto> {
    return this.runs.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, string>): Promise<PageDto<RunDto>> {
    return this.runs.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunDto> {
    return this.runs.get(principal, id);
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
