import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import { keyScope } from './access-scopes';
import type { Principal } from './principal';

const WITH_USER_AND_TEAM = { user: { include: { team: true } } } as const;

/**
 * The credentials' queries: API keys and sign-in sessions, each found by the hash of its secret (the
 * secret itself is never stored). Which keys a caller may see is keyScope's rule (access-scopes.ts).
 */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly prisma: PrismaService) {}

  keyByHash(hash: string) {
    return this.prisma.apiKey.findUnique({ where: { hash }, include: WITH_USER_AND_TEAM });
  }

  /** When a key was last used: best effort, never in the way of the request that used it. */
  markKeyUsed(id: string): void {
    void this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }

  createKey(data: { userId: string; name: string; prefix: string; hash: string }) {
    return this.prisma.apiKey.create({ data });
  }

  /** The keys the caller may see, newest first. */
  keysSeenBy(principal: Principal) {
    return this.prisma.apiKey.findMany({ where: keyScope(principal), orderBy: { createdAt: 'desc' } });
  }

  /** One key the caller may see, or null (another team's key is no key to staff). */
  keySeenBy(principal: Principal, id: string) {
    return this.prisma.apiKey.findFirst({ where: { id, ...keyScope(principal) } });
  }

  revokeKey(id: string) {
    return this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  }

  sessionByHash(hash: string) {
    return this.prisma.session.findUnique({ where: { hash }, include: WITH_USER_AND_TEAM });
  }

  async createSession(data: { userId: string; hash: string; expiresAt: Date }): Promise<void> {
    await this.prisma.session.create({ data });
  }

  async deleteSession(hash: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { hash } });
  }

  /** Whom an email signs in as, with their team. */
  userByEmail(email: string) {
    return this.prisma.user.findUnique({ where: { email }, include: { team: true } });
  }
}
