import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { EpochDto, GradientFlowDto, PageDto, RunDto } from '@gradlab/contracts';
import { RunsService } from './runs.service';

@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  create(@Body() body: unknown): Promise<RunDto> {
    return this.runs.create(body);
  }

  @Get()
  list(@Query() query: Record<string, string>): Promise<PageDto<RunDto>> {
    return this.runs.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<RunDto> {
    return this.runs.get(id);
  }

  @Get(':id/epochs')
  epochs(@Param('id') id: string): Promise<EpochDto[]> {
    return this.runs.epochs(id);
  }

  @Get(':id/gradient-flow')
  gradientFlow(@Param('id') id: string, @Query('epoch') epoch?: string): Promise<GradientFlowDto> {
    return this.runs.gradientFlow(id, epoch);
  }

  @Get(':id/gradient-flow/all')
  gradientFlowHistory(@Param('id') id: string): Promise<GradientFlowDto[]> {
    return this.runs.gradientFlowHistory(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string): Promise<RunDto> {
    return this.runs.cancel(id);
  }
}
