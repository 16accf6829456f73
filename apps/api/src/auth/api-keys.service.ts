import { Injectable } from '@nestjs/common';
import { isStaffRole, type ApiKeyDto, type CreatedApiKeyDto, type ParsedCreateApiKeyRequest } from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import { isoOrNull, pickColumns } from '../common/pick-columns';
import { PrismaService } from '../prisma/prisma.service';
import { teamScope } from './access-scopes';
import { CredentialsRepository } from './credentials.repository';
import { LiveConnections } from './live-connections';
import type { Principal } from './principal';
import { keyPrefix, newApiKey, sha256 } from './secret-token';

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};
const toKeyDto = (k: KeyRow): ApiKeyDto => ({
  ...pickColumns(k, ['id', 'name', 'prefix', 'userId']),
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: isoOrNull(k.lastUsedAt),
  revokedAt: isoOrNull(k.revokedAt),
});

/**
 * API keys. Everyone manages their own; staff also those of their team's users, an admin everyone's. Another
 * team's key is "not found" to staff. A key is shown once, when made; only its hash is stored.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credentials: CredentialsRepository,
    private readonly live: LiveConnections,
  ) {}

  /** The key is in the answer this once; only its hash is stored. */
  async createKey(principal: Principal, request: ParsedCreateApiKeyRequest): Promise<CreatedApiKeyDto> {
    const userId = request.userId ?? principal.userId;
    if (userId !== principal.userId) {
      if (!isStaffRole(principal.role)) throw new DomainError('FORBIDDEN', 'only staff make keys for other users');
      // Another team's user is no user to staff.
      const owner = isUuid(userId)
        ? await this.prisma.user.findFirst({ where: { id: userId, ...teamScope(principal, 'teamId') } })
        : null;
      if (!owner)
        throw new DomainError('VALIDATION_FAILED', 'invalid key: userId: no such user', [
          { field: 'userId', message: 'no such user' },
        ]);
    }
    const key = newApiKey();
    const row = await this.credentials.createKey({
      userId,
      name: request.name,
      prefix: keyPrefix(key),
      hash: sha256(key),
    });
    return { ...toKeyDto(row), key };
  }

  /** Your own keys; staff see their team's, an admin everyone's. */
  async listKeys(principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.credentials.keysSeenBy(principal)).map(toKeyDto);
  }

  /** Takes effect at once on every api instance: its cached principal is forgotten, its live connections closed. */
  async revokeKey(principal: Principal, id: string): Promise<ApiKeyDto> {
    const row = await this.credentials.keySeenBy(principal, id); // a uuid: the controller's @IdParam checked it
    if (!row) throw new DomainError('NOT_FOUND', `key ${id} not found`);
    const revoked = row.revokedAt ? row : await this.credentials.revokeKey(id);
    await this.live.disconnectKey(id);
    return toKeyDto(revoked);
  }
}
