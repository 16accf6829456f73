import { Body, Controller, Get, Post } from '@nestjs/common';
import { Answers, ApiDoc } from '../docs/api-route';
import { CreateUserRequest, UserDto } from '../docs/contract-dtos';
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
    400: 'bad input or no such team',
    409: 'email taken',
  })
  @Answers(201, 'created', UserDto)
  createUser(@CurrentPrincipal() principal: Principal, @Body() request: CreateUserRequest): Promise<UserDto> {
    return this.teamsAndUsers.createUser(principal, request);
  }

  @StaffOnly()
  @Get()
  @ApiDoc('Users of the team (the admin: of every team)')
  @Answers(200, 'users by email', [UserDto])
  listUsers(@CurrentPrincipal() principal: Principal): Promise<UserDto[]> {
    return this.teamsAndUsers.listUsers(principal);
  }
}
