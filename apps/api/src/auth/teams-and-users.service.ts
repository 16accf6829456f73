import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { ParsedCreateTeamRequest, ParsedCreateUserRequest, TeamDto, UserDto } from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { PrismaService } from '../prisma/prisma.service';
import { teamScope } from './access-scopes';
import { hashPassword } from './password-hasher';
import type { Principal } from './principal';

const toTeamDto = (t: { id: string; name: string; createdAt: Date }): TeamDto => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
});
const toUserDto = (u: {
  id: string;
  email: string;
  role: UserDto['role'];
  createdAt: Date;
  team: { id: string; name: string };
}): UserDto => ({
  id: u.id,
  email: u.email,
  role: u.role,
  team: { id: u.team.id, name: u.team.name },
  createdAt: u.createdAt.toISOString(),
});

/**
 * Teams and users (keys: ApiKeysService). Staff manage the users of their own team; an admin those of every
 * team, and makes teams. Another team's user is "not found" to staff, and whether an email is taken in
 * another team is never told them (see createUser).
 */
@Injectable()
export class TeamsAndUsersService {
  private readonly logger = new Logger(TeamsAndUsersService.name);

  constructor(private readonly prisma: PrismaService) {}

  async createTeam({ name }: ParsedCreateTeamRequest): Promise<TeamDto> {
    if (await this.prisma.team.findUnique({ where: { name } }))
      throw new DomainError('CONFLICT', `team ${name} already exists`, [{ field: 'name', message: 'already exists' }]);
    return toTeamDto(await this.prisma.team.create({ data: { name } }));
  }

  /** All teams for an admin; their own for staff. */
  async listTeams(principal: Principal): Promise<TeamDto[]> {
    return (await this.prisma.team.findMany({ where: teamScope(principal, 'id'), orderBy: { name: 'asc' } })).map(
      toTeamDto,
    );
  }

  async createUser(principal: Principal, request: ParsedCreateUserRequest): Promise<UserDto> {
    const team = await this.prisma.team.findUnique({ where: { name: request.team } });
    if (!team || (principal.role !== 'admin' && team.id !== principal.teamId)) {
      const message =
        principal.role === 'admin'
          ? `no team named ${request.team}`
          : `staff add users to their own team (${principal.teamName}) only`;
      throw new DomainError('VALIDATION_FAILED', `invalid user: team: ${message}`, [{ field: 'team', message }]);
    }
    if (request.role === 'admin' && principal.role !== 'admin')
      throw new DomainError('FORBIDDEN', 'only an admin makes admins', [
        { field: 'role', message: 'only an admin makes admins' },
      ]);
    const passwordHash = request.password ? await hashPassword(request.password) : null;
    const taken = await this.prisma.user.findUnique({ where: { email: request.email }, select: { teamId: true } });
    if (taken && (principal.role === 'admin' || taken.teamId === principal.teamId))
      throw new DomainError('CONFLICT', `a user with email ${request.email} already exists`, [
        { field: 'email', message: 'already taken' },
      ]);
    if (taken) {
      // Taken in another team: staff hear what a free email gets (after the same password hashing), so they
      // cannot learn who studies in other teams. Nothing is stored; the admin is told in the log.
      this.logger.warn(
        `${principal.email} (staff of ${principal.teamName}) added ${request.email}, a user of another team: answered as if created, nothing stored`,
      );
      return {
        id: randomUUID(),
        email: request.email,
        role: request.role,
        team: { id: team.id, name: team.name },
        createdAt: new Date().toISOString(),
      };
    }
    const user = await this.prisma.user.create({
      data: { email: request.email, role: request.role, teamId: team.id, passwordHash },
      include: { team: true },
    });
    return toUserDto(user);
  }

  /** Every user for an admin; their own team's for staff. */
  async listUsers(principal: Principal): Promise<UserDto[]> {
    return (
      await this.prisma.user.findMany({
        where: teamScope(principal, 'teamId'),
        orderBy: { email: 'asc' },
        include: { team: true },
      })
    ).map(toUserDto);
  }
}
