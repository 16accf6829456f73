import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { AdminOnly, CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { TeamsAndUsersService } from '../auth/teams-and-users.service';
import { Answers, ApiDoc, IdParam } from '../docs/api-route';
import { CreateTeamRequest, QuotaDto, TeamDto, TeamShareRequest, TeamsQuotaDto } from '../docs/contract-dtos';
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
  @ApiDoc('Create a team (admin)', { 400: 'bad input', 409: 'name taken' })
  @Answers(201, 'created', TeamDto)
  createTeam(@Body() request: CreateTeamRequest): Promise<TeamDto> {
    return this.teamsAndUsers.createTeam(request);
  }

  @StaffOnly()
  @Get()
  @ApiDoc('Teams: staff see their own, the admin every one')
  @Answers(200, 'teams by name', [TeamDto])
  listTeams(@CurrentPrincipal() principal: Principal): Promise<TeamDto[]> {
    return this.teamsAndUsers.listTeams(principal);
  }

  @StaffOnly()
  @Get('quota')
  @ApiDoc('Every team staff manage (an admin: all): use against budget, weight', { 403: 'students' })
  @Answers(200, 'the teams', TeamsQuotaDto)
  async quotas(@CurrentPrincipal() principal: Principal): Promise<TeamsQuotaDto> {
    return { teams: await this.quota.teams(principal) };
  }

  @StaffOnly()
  @Put(':id/share')
  @ApiDoc("Set a team's fair-share weight and weekly budget of worker hours (staff: their team; an admin: any)", {
    400: 'a field is invalid',
    403: 'students',
    404: 'no such team (or not one the caller manages)',
  })
  @Answers(200, 'the team’s quota now', QuotaDto)
  setShare(
    @CurrentPrincipal() principal: Principal,
    @IdParam('team') id: string,
    @Body() request: TeamShareRequest,
  ): Promise<QuotaDto> {
    return this.quota.setShare(principal, id, request);
  }
}
