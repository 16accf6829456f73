import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { AggregateDto, GroupDto, GroupSummaryDto } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AggregatesService } from './aggregates.service';
import { GroupsService } from './groups.service';

@Controller('groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly aggregates: AggregatesService,
  ) {}

  /** One config over seeds and an optional grid: the cross product queued as runs of the group. */
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<GroupDto> {
    return this.groups.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<{ items: GroupSummaryDto[] }> {
    return this.groups.list(principal);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<GroupDto> {
    return this.groups.get(principal, id);
  }

  /** Mean, std, min, max and n per epoch and per layer; `cell` picks one cell of a grid. */
  @Get(':id/aggregate')
  aggregate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('cell') cell?: string): Promise<AggregateDto> {
    return this.aggregates.ofGroup(principal, id, cell);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<GroupDto> {
    return this.groups.cancel(principal, id);
  }
}
