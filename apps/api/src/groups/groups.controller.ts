import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc, IdParam } from '../docs/api-route';
import { AggregateDto, CreateGroupRequest, GroupAggregateQuery, GroupDto, GroupListDto } from '../docs/contract-dtos';
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
  @ApiDoc(
    'Submit a group: one config over seeds and an optional grid; the cross product is queued as runs of the group',
    {
      400: 'bad config, seeds or grid (field errors name them: grid.lr[1])',
      429: 'rate limited, or the team’s queue has no room for every run (QUEUE_FULL)',
      503: 'the queue is unreachable; nothing was stored',
    },
  )
  @Answers(201, 'the group and its runs', GroupDto)
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateGroupRequest): Promise<GroupDto> {
    return this.groups.create(principal, request);
  }

  @Get()
  @ApiDoc('The team’s groups, newest first')
  @Answers(200, 'groups with their runs counted by status', GroupListDto)
  list(@CurrentPrincipal() principal: Principal): Promise<GroupListDto> {
    return this.groups.list(principal);
  }

  @Get(':id')
  @ApiDoc('A group: its runs with seed and cell, and its cells with mean ± std of best validation and test accuracy', {
    404: 'no such group',
  })
  @Answers(200, 'the group', GroupDto)
  get(@CurrentPrincipal() principal: Principal, @IdParam('group') id: string): Promise<GroupDto> {
    return this.groups.get(principal, id);
  }

  /** Mean, std, min, max and n per epoch and per layer; `cell` picks one cell of a grid. */
  @Get(':id/aggregate')
  @ApiDoc(
    'Mean, std, min, max and n per epoch and per layer and epoch (gradient magnitudes in log10 space), and the final test metrics',
    { 400: 'a grid group without a cell', 404: 'no such group' },
  )
  @Answers(200, 'the aggregate', AggregateDto)
  aggregate(
    @CurrentPrincipal() principal: Principal,
    @IdParam('group') id: string,
    @Query() query: GroupAggregateQuery,
  ): Promise<AggregateDto> {
    return this.aggregates.ofGroup(principal, id, query.cell, query.gradientFlow);
  }

  @Post(':id/cancel')
  @ApiDoc('Cancel every queued or running run of the group', { 404: 'no such group' })
  @Answers(200, 'the group', GroupDto)
  cancel(@CurrentPrincipal() principal: Principal, @IdParam('group') id: string): Promise<GroupDto> {
    return this.groups.cancel(principal, id);
  }
}
