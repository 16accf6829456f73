import { Injectable } from '@nestjs/common';
import {
  isStaffRole,
  CreateApiKeyRequestSchema,
  CreateTeamRequestSchema,
  CreateUserRequestSchema,
  type ApiKeyDto,
  type CreatedApiKeyDto,
  type TeamDto,
  type UserDto,
} from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import { parseInput } from '../common/parse-input';
import { PrismaService } from '../prisma/prisma.service';
import { LiveConnections } from './live-connections';
import { hashPassword } from './password-hasher';
import type { Principal } from './principal';
import { keyPrefix, newApiKey, sha256 } from './secret-token';

type KeyRow = { id: string; name: string; prefix: string; userId: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
const toKeyDto = (k: KeyRow): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  userId: k.userId,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});
const toTeamDto = (t: { id: string; name: string; createdAt: Date }): TeamDto => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() });
const toUserDto = (u: { id: string; email: string; role: UserDto['role']; createdAt: Date; team: { id: string; name: string } }): UserDto => ({
  id: u.id,
  email: u.email,
  role: u.role,
  team: { id: u.team.id, name: u.team.name },
  createdAt: u.createdAt.toISOString(),
});

/**
 * Teams, users and API keys. Everyone manages their own keys; staff also the users and keys of their own
 * team; an admin those of every team, and makes teams. Another team's user or key is "not found" to staff.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly live: LiveConnections,
  ) {}

  async createTeam(body: unknown): Promise<TeamDto> {
    const { name } = parseInput(CreateTeamRequestSchema, body, 'team');
    if (await this.prisma.team.findUnique({ where: { name } }))
      throw new DomainError('CONFLICT', `team ${name} already exists`, [{ field: 'name', message: 'already exists' }]);
    return toTeamDto(await this.prisma.team.create({ data: { name } }));
  }

  /** All teams for an admin; their own for staff. */
  async listTeams(principal: Principal): Promise<TeamDto[]> {
    return (await this.prisma.team.findMany({ where: this.teamScope(principal, 'id'), orderBy: { name: 'asc' } })).map(toTeamDto);
  }

  async createUser(principal: Principal, body: unknown): Promise<UserDto> {
    const request = parseInput(CreateUserRequestSchema, body, 'user');
    const team = await this.prisma.team.findUnique({ where: { name: request.team } });
    if (!team || (principal.role !== 'admin' && team.id !== principal.teamId)) {
      const message = principal.role === 'admin' ? `no team named ${request.team}` : `staff add users to their own team (${principal.teamName}) only`;
      throw new DomainError('VALIDATION_FAILED', `invalid user: team: ${message}`, [{ field: 'team', message }]);
    }
    if (request.role === 'admin' && principal.role !== 'admin')
      throw new DomainError('FORBIDDEN', 'only an admin makes admins', [{ field: 'role', message: 'only an admin makes admins' }]);
    if (await this.prisma.user.findUnique({ where: { email: request.email } }))
      throw new DomainError('CONFLICT', `a user with email ${request.email} already exists`, [{ field: 'email', message: 'already taken' }]);
    const user = await this.prisma.user.create({
      data: { email: request.email, role: request.role, teamId: team.id, passwordHash: request.password ? await hashPassword(request.password) : null },
      include: { team: true },
    });
    return toUserDto(user);
  }

  /** Every user for an admin; their own team's for staff. */
  async listUsers(principal: Principal): Promise<UserDto[]> {
    return (await this.prisma.user.findMany({ where: this.teamScope(principal, 'teamId'), orderBy: { email: 'asc' }, include: { team: true } })).map(toUserDto);
  }

  /** The key is in the answer this once; only its hash is stored. */
  async createKey(principal: Principal, body: unknown): Promise<CreatedApiKeyDto> {
    const request = parseInput(CreateApiKeyRequestSchema, body, 'key');
    const userId = request.userId ?? principal.userId;
    if (userId !== principal.userId) {
      if (!isStaffRole(principal.role)) throw new DomainError('FORBIDDEN', 'only staff make keys for other users');
      // Another team's user is no user to staff.
      const owner = isUuid(userId) ? await this.prisma.user.findFirst({ where: { id: userId, ...this.teamScope(principal, 'teamId') } }) : null;
      if (!owner) throw new DomainError('VALIDATION_FAILED', 'invalid key: userId: no such user', [{ field: 'userId', message: 'no such user' }]);
    }
    const key = newApiKey();
    const row = await this.prisma.apiKey.create({ data: { userId, name: request.name, prefix: keyPrefix(key), hash: sha256(key) } });
    return { ...toKeyDto(row), key };
  }

  /** Your own keys; staff see their team's, an admin everyone's. */
  async listKeys(principal: Principal): Promise<ApiKeyDto[]> {
    const rows = await this.prisma.apiKey.findMany({ where: this.keyScope(principal), orderBy: { createdAt: 'desc' } });
    return rows.map(toKeyDto);
  }

  /** Takes effect at once: every request looks its key up. A key the caller may not manage is "not found". */
  async revokeKey(principal: Principal, id: string): Promise<ApiKeyDto> {
    const row = isUuid(id) ? await this.prisma.apiKey.findFirst({ where: { id, ...this.keyScope(principal) } }) : null;
    if (!row) throw new DomainError('NOT_FOUND', `key ${id} not found`);
    const revoked = row.revokedAt ? row : await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await this.live.disconnectKey(id);
    return toKeyDto(revoked);
  }

  /** Rows of the caller's team, unless the caller is an admin. */
  private teamScope(principal: Principal, column: 'id' | 'teamId'): Record<string, string> {
    return principal.role === 'admin' ? {} : { [column]: principal.teamId };
  }

  /** The keys the caller may see and revoke: an admin all, staff their team's, anyone else their own. */
  private keyScope(principal: Principal) {
    if (principal.role === 'admin') return {};
    if (principal.role === 'staff') return { user: { teamId: principal.teamId } };
    return { userId: principal.userId };
  }
}
