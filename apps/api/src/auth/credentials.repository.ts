import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import { keyScope } from './access-scopes';
import type { Principal } from './principal';

const WITH_USER_AND_TEAM = { user: { include: { team: true } } } as const;
/** A key's lastUsedAt is written at most this often: it says when, to the minute, not every request. */
const KEY_USED_EVERY_MS = 60_000;

/**
 * The credentials' queries: API keys and sign-in sessions, each found by the hash of its secret (the
 * secret itself is never stored). Which keys a caller may see is keyScope's rule (access-scopes.ts).
 */
@Injectable()
export class CredentialsRepository {
  private readonly keyMarkedAt = new Map<string, number>();

  constructor(private readonly prisma: PrismaService) {}

  keyByHash(hash: string) {
    return this.prisma.apiKey.findUnique({ where: { hash }, include: WITH_USER_AND_TEAM });
  }

  /**
   * When a key was last used, to the minute: best effort, never in the way of the request that used it. A
   * write per request was a third of a run page's queries (bench:load).
   */
  markKeyUsed(id: string): void {
    const now = Date.now();
    if (now - (this.keyMarkedAt.get(id) ?? 0) < KEY_USED_EVERY_MS) return;
    if (this.keyMarkedAt.size > 10_000) this.keyMarkedAt.clear();
    this.keyMarkedAt.set(id, now);
    void this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
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
