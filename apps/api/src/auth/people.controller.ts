import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { ApiKeyDto, CreatedApiKeyDto, TeamDto, UserDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from './auth.decorators';
import { PeopleService } from './people.service';
import type { Principal } from './principal';

@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @StaffOnly()
  @Post('teams')
  createTeam(@Body() body: unknown): Promise<TeamDto> {
    return this.people.createTeam(body);
  }

  @StaffOnly()
  @Get('teams')
  listTeams(): Promise<TeamDto[]> {
    return this.people.listTeams();
  }

  @StaffOnly()
  @Post('users')
  createUser(@Body() body: unknown): Promise<UserDto> {
    return this.people.createUser(body);
  }

  @StaffOnly()
  @Get('users')
  listUsers(): Promise<UserDto[]> {
    return this.people.listUsers();
  }

  @Post('keys')
  createKey(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CreatedApiKeyDto> {
    return this.people.createKey(principal, body);
  }

  @Get('keys')
  listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.people.listKeys(principal);
  }

  @Delete('keys/:id')
  revokeKey(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return this.people.revokeKey(principal, id);
  }
}
