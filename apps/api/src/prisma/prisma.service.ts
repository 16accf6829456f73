import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma 7's client over node-postgres (no engine binary). The api is the only writer to Postgres. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  /** Connections in this client's pool (node-postgres' default). */
  static readonly poolSize: number = 10;

  constructor(config: AppConfig) {
    const poolSize = (new.target as typeof PrismaService).poolSize;
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: poolSize }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/**
 * The workers' run events' own connections. In one pool, an epoch's transaction waited its turn behind every
 * dashboard read queued before it: with 1,024 readers, an epoch took 3.6 s (p95) to reach a browser
 * (bench:load's overload phase). In its own, it goes ahead of them.
 */
@Injectable()
export class EventsPrismaService extends PrismaService {
  static override readonly poolSize = 4;
}
