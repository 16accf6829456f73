import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SESSION_COOKIE, type ParsedLoginRequest } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { CredentialsRepository } from './credentials.repository';
import { PrincipalCache } from './principal-cache';
import { verifyPassword } from './password-hasher';
import type { Principal } from './principal';
import { newSessionToken, sha256 } from './secret-token';

/** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

type UserWithTeam = { id: string; email: string; role: Principal['role']; teamId: string; team: { name: string } };

function toPrincipal(user: UserWithTeam, apiKeyId: string | null): Principal {
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    teamId: user.teamId,
    teamName: user.team.name,
    apiKeyId,
  };
}

function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    // Any page on the same host can set a cookie; a malformed one is ignored, never a 500.
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Who is calling (API key or session cookie), sign-in and sign-out. */
@Injectable()
export class AuthService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly config: AppConfig,
    private readonly recent: PrincipalCache,
  ) {}

  /** From `Authorization: Bearer <key>` or the session cookie; null when neither is valid. */
  async authenticate(authorization: string | undefined, cookieHeader: string | undefined): Promise<Principal | null> {
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) return this.fromApiKey(bearer);
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    return session ? this.fromSession(session) : null;
  }

  async fromApiKey(key: string): Promise<Principal | null> {
    const hash = sha256(key);
    const known = this.recent.get(hash);
    if (known?.apiKeyId) {
      this.credentials.markKeyUsed(known.apiKeyId);
      return known;
    }
    const row = await this.credentials.keyByHash(hash);
    if (!row || row.revokedAt) return null;
    this.credentials.markKeyUsed(row.id);
    const principal = toPrincipal(row.user, row.id);
    this.recent.set(hash, principal);
    return principal;
  }

  private async fromSession(token: string): Promise<Principal | null> {
    const hash = sha256(token);
    const known = this.recent.get(hash);
    if (known) return known;
    const row = await this.credentials.sessionByHash(hash);
    if (!row || row.expiresAt < new Date()) return null;
    const principal = toPrincipal(row.user, null);
    this.recent.set(hash, principal, row.expiresAt);
    return principal;
  }

  /** Checks email and password; on success a new session whose token goes into the httpOnly cookie. */
  async login({
    email,
    password,
  }: ParsedLoginRequest): Promise<{ token: string; expiresAt: Date; principal: Principal }> {
    const user = await this.credentials.userByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) throw new DomainError('UNAUTHORIZED', 'wrong email or password');
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600_000);
    await this.credentials.createSession({ userId: user.id, hash: sha256(token), expiresAt });
    return { token, expiresAt, principal: toPrincipal(user, null) };
  }

  async logout(cookieHeader: string | undefined): Promise<void> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (!token) return;
    this.recent.forgetHash(sha256(token));
    await this.credentials.deleteSession(sha256(token));
  }

  /** Workers present the worker token; without one configured, nobody can act as a worker. */
  isWorkerToken(authorization: string | undefined): boolean {
    const token = this.config.workerToken;
    if (!token) return false;
    const given = Buffer.from(authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
