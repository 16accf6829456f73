import { Controller, Get, Post } from '@nestjs/common';
import {
  CreateTeamRequestSchema,
  CreateUserRequestSchema,
  TeamDtoSchema,
  UserDtoSchema,
  type ParsedCreateTeamRequest,
  type ParsedCreateUserRequest,
  type TeamDto,
  type UserDto,
} from '@gradlab/contracts';
import { z } from 'zod';
import { ApiDoc, ValidBody } from '../docs/api-route';
import { AdminOnly, CurrentPrincipal, StaffOnly } from './auth.decorators';
import { TeamsAndUsersService } from './teams-and-users.service';
import type { Principal } from './principal';

@Controller()
export class TeamsAndUsersController {
  constructor(private readonly teamsAndUsers: TeamsAndUsersService) {}

  @AdminOnly()
  @Post('teams')
  @ApiDoc('Create a team (admin)', { 201: ['created', TeamDtoSchema], 400: 'bad input', 409: 'name taken' })
  createTeam(@ValidBody(CreateTeamRequestSchema, 'team') request: ParsedCreateTeamRequest): Promise<TeamDto> {
    return this.teamsAndUsers.createTeam(request);
  }

  @StaffOnly()
  @Get('teams')
  @ApiDoc('Teams: staff see their own, the admin every one', { 200: ['teams by name', z.array(TeamDtoSchema)] })
  listTeams(@CurrentPrincipal() principal: Principal): Promise<TeamDto[]> {
    return this.teamsAndUsers.listTeams(principal);
  }

  @StaffOnly()
  @Post('users')
  @ApiDoc('Create a user (staff: in their own team)', {
    201: ['created', UserDtoSchema],
    400: 'bad input or no such team',
    409: 'email taken',
  })
  createUser(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateUserRequestSchema, 'user') request: ParsedCreateUserRequest,
  ): Promise<UserDto> {
    return this.teamsAndUsers.createUser(principal, request);
  }

  @StaffOnly()
  @Get('users')
  @ApiDoc('Users of the team (the admin: of every team)', { 200: ['users by email', z.array(UserDtoSchema)] })
  listUsers(@CurrentPrincipal() principal: Principal): Promise<UserDto[]> {
    return this.teamsAndUsers.listUsers(principal);
  }
}
