import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SESSION_COOKIE, type ParsedLoginRequest } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { PrismaService } from '../prisma/prisma.service';
import { hashPassword, verifyPassword } from './password-hasher';
import type { Principal } from './principal';
import { keyPrefix, newSessionToken, sha256 } from './secret-token';

const DEFAULT_TEAM = 'default';
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

/** Who is calling (API key or session cookie), sign-in and sign-out, and the first admin. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** From `Authorization: Bearer <key>` or the session cookie; null when neither is valid. */
  async authenticate(authorization: string | undefined, cookieHeader: string | undefined): Promise<Principal | null> {
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) return this.fromApiKey(bearer);
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    return session ? this.fromSession(session) : null;
  }

  async fromApiKey(key: string): Promise<Principal | null> {
    const row = await this.prisma.apiKey.findUnique({
      where: { hash: sha256(key) },
      include: { user: { include: { team: true } } },
    });
    if (!row || row.revokedAt) return null;
    void this.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return toPrincipal(row.user, row.id);
  }

  private async fromSession(token: string): Promise<Principal | null> {
    const row = await this.prisma.session.findUnique({
      where: { hash: sha256(token) },
      include: { user: { include: { team: true } } },
    });
    if (!row || row.expiresAt < new Date()) return null;
    return toPrincipal(row.user, null);
  }

  /** Checks email and password; on success a new session whose token goes into the httpOnly cookie. */
  async login({
    email,
    password,
  }: ParsedLoginRequest): Promise<{ token: string; expiresAt: Date; principal: Principal }> {
    const user = await this.prisma.user.findUnique({ where: { email }, include: { team: true } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) throw new DomainError('UNAUTHORIZED', 'wrong email or password');
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600_000);
    await this.prisma.session.create({ data: { userId: user.id, hash: sha256(token), expiresAt } });
    return { token, expiresAt, principal: toPrincipal(user, null) };
  }

  async logout(cookieHeader: string | undefined): Promise<void> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (token) await this.prisma.session.deleteMany({ where: { hash: sha256(token) } });
  }

  /** Workers present the worker token; without one configured, nobody can act as a worker. */
  isWorkerToken(authorization: string | undefined): boolean {
    const token = this.config.workerToken;
    if (!token) return false;
    const given = Buffer.from(authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * GRADLAB_ADMIN_EMAIL (with GRADLAB_ADMIN_PASSWORD and/or GRADLAB_ADMIN_TOKEN) makes a staff admin in
   * team "default" if that email has no user yet, and registers the token as one of the admin's keys.
   * Nothing is created without them: there is no default password.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword, adminToken } = this.config;
    if (!adminEmail) {
      if ((await this.prisma.user.count()) === 0) {
        this.logger.warn(
          'no users yet: start once with GRADLAB_ADMIN_EMAIL and GRADLAB_ADMIN_PASSWORD (and/or GRADLAB_ADMIN_TOKEN) to make the first staff admin',
        );
      }
      return;
    }
    const team = await this.prisma.team.upsert({
      where: { name: DEFAULT_TEAM },
      create: { name: DEFAULT_TEAM },
      update: {},
    });
    let admin = await this.prisma.user.findUnique({ where: { email: adminEmail } });
    if (!admin) {
      admin = await this.prisma.user
        .create({
          data: {
            email: adminEmail,
            role: 'admin',
            teamId: team.id,
            passwordHash: adminPassword ? await hashPassword(adminPassword) : null,
          },
        })
        .catch(async () => this.prisma.user.findUniqueOrThrow({ where: { email: adminEmail } })); // another api instance won the race
      this.logger.log(`created the admin ${adminEmail} in team ${DEFAULT_TEAM}`);
    } else if (admin.role !== 'admin') {
      // Made as staff before there was an admin role: GRADLAB_ADMIN_EMAIL names the admin.
      admin = await this.prisma.user.update({ where: { id: admin.id }, data: { role: 'admin' } });
      this.logger.log(`${adminEmail} is the admin (GRADLAB_ADMIN_EMAIL)`);
    }
    if (adminToken) {
      await this.prisma.apiKey.upsert({
        where: { hash: sha256(adminToken) },
        create: {
          userId: admin.id,
          name: 'GRADLAB_ADMIN_TOKEN',
          prefix: keyPrefix(adminToken),
          hash: sha256(adminToken),
        },
        update: {},
      });
    }
  }
}
