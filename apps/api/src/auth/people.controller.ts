import { Body, Controller, Get, Post } from '@nestjs/common';
import type { TeamDto, UserDto } from '@gradlab/contracts';
import { AdminOnly, CurrentPrincipal, StaffOnly } from './auth.decorators';
import { PeopleService } from './people.service';
import type { Principal } from './principal';

@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @AdminOnly()
  @Post('teams')
  createTeam(@Body() body: unknown): Promise<TeamDto> {
    return this.people.createTeam(body);
  }

  @StaffOnly()
  @Get('teams')
  listTeams(@CurrentPrincipal() principal: Principal): Promise<TeamDto[]> {
    return this.people.listTeams(principal);
  }

  @StaffOnly()
  @Post('users')
  createUser(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<UserDto> {
    return this.people.createUser(principal, body);
  }

  @StaffOnly()
  @Get('users')
  listUsers(@CurrentPrincipal() principal: Principal): Promise<UserDto[]> {
    return this.people.listUsers(principal);
  }
}
