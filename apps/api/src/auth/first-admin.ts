import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { hashPassword } from './password-hasher';
import { keyPrefix, sha256 } from './secret-token';

const DEFAULT_TEAM = 'default';

/** The first admin, from GRADLAB_ADMIN_* on start-up: the quick start's only way in. */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdmin.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

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
