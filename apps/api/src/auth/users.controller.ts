import { Controller, Get, Post } from '@nestjs/common';
import { CreateUserRequestSchema, UserDtoSchema, type ParsedCreateUserRequest, type UserDto } from '@gradlab/contracts';
import { z } from 'zod';
import { ApiDoc, ValidBody } from '../docs/api-route';
import { CurrentPrincipal, StaffOnly } from './auth.decorators';
import { TeamsAndUsersService } from './teams-and-users.service';
import type { Principal } from './principal';

/** A team's users: staff create and list those of their own team, the admin those of every team. */
@Controller('users')
export class UsersController {
  constructor(private readonly teamsAndUsers: TeamsAndUsersService) {}

  @StaffOnly()
  @Post()
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
  @Get()
  @ApiDoc('Users of the team (the admin: of every team)', { 200: ['users by email', z.array(UserDtoSchema)] })
  listUsers(@CurrentPrincipal() principal: Principal): Promise<UserDto[]> {
    return this.teamsAndUsers.listUsers(principal);
  }
}
