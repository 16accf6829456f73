import { z } from 'zod';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/gradlab';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const AppConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  /** Prefix of every BullMQ key, so several stacks (tests, staging) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('gradlab'),
  /** Re-queue unfinished runs that have no job at start-up (after Redis lost its data). */
  REQUEUE_ON_START: z.enum(['true', 'false']).default('true'),
});

/** The api's configuration, validated once at boot; services receive it and never read process.env. */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly requeueOnStart: boolean;

  constructor(env: Record<string, string | undefined>) {
    const result = AppConfigSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid api configuration: ${problems}`);
    }
    const c = result.data;
    this.port = c.PORT;
    this.host = c.HOST;
    this.databaseUrl = c.DATABASE_URL;
    this.redisUrl = c.REDIS_URL;
    this.queuePrefix = c.QUEUE_PREFIX;
    this.requeueOnStart = c.REQUEUE_ON_START === 'true';
  }
}
