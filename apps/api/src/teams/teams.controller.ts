import { Controller, Get, Post, Put } from '@nestjs/common';
import {
  CreateTeamRequestSchema,
  QuotaDtoSchema,
  TeamDtoSchema,
  TeamShareRequestSchema,
  TeamsQuotaDtoSchema,
  type ParsedCreateTeamRequest,
  type QuotaDto,
  type TeamDto,
  type TeamShareRequest,
  type TeamsQuotaDto,
} from '@gradlab/contracts';
import { z } from 'zod';
import { AdminOnly, CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { TeamsAndUsersService } from '../auth/teams-and-users.service';
import { ApiDoc, IdParam, ValidBody } from '../docs/api-route';
import { QuotaService } from '../scheduling/quota.service';

/** Every `/api/teams` route: teams themselves (auth/), and their worker-time budgets and fair-share weights (scheduling/). */
@Controller('teams')
export class TeamsController {
  constructor(
    private readonly teamsAndUsers: TeamsAndUsersService,
    private readonly quota: QuotaService,
  ) {}

  @AdminOnly()
  @Post()
  @ApiDoc('Create a team (admin)', { 201: ['created', TeamDtoSchema], 400: 'bad input', 409: 'name taken' })
  createTeam(@ValidBody(CreateTeamRequestSchema, 'team') request: ParsedCreateTeamRequest): Promise<TeamDto> {
    return this.teamsAndUsers.createTeam(request);
  }

  @StaffOnly()
  @Get()
  @ApiDoc('Teams: staff see their own, the admin every one', { 200: ['teams by name', z.array(TeamDtoSchema)] })
  listTeams(@CurrentPrincipal() principal: Principal): Promise<TeamDto[]> {
    return this.teamsAndUsers.listTeams(principal);
  }

  @StaffOnly()
  @Get('quota')
  @ApiDoc('Every team staff manage (an admin: all): use against budget, weight', {
    200: ['the teams', TeamsQuotaDtoSchema],
    403: 'students',
  })
  async quotas(@CurrentPrincipal() principal: Principal): Promise<TeamsQuotaDto> {
    return { teams: await this.quota.teams(principal) };
  }

  @StaffOnly()
  @Put(':id/share')
  @ApiDoc("Set a team's fair-share weight and weekly budget of worker hours (staff: their team; an admin: any)", {
    200: ['the team’s quota now', QuotaDtoSchema],
    400: 'a field is invalid',
    403: 'students',
    404: 'no such team (or not one the caller manages)',
  })
  setShare(
    @CurrentPrincipal() principal: Principal,
    @IdParam('team') id: string,
    @ValidBody(TeamShareRequestSchema, 'share') request: TeamShareRequest,
  ): Promise<QuotaDto> {
    return this.quota.setShare(principal, id, request);
  }
}
