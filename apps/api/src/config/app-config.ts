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
  /** Workers present it to upload and download checkpoints; unset, those routes are open (development). */
  WORKER_TOKEN: z.string().min(16).optional(),
  /** Largest checkpoint upload, in express's notation. */
  CHECKPOINT_LIMIT: z.string().default('512mb'),
});

/** The api's configuration, validated once at boot; services receive it and never read process.env. */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly requeueOnStart: boolean;
  readonly workerToken: string | undefined;
  readonly checkpointLimit: string;

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
    this.workerToken = c.WORKER_TOKEN;
    this.checkpointLimit = c.CHECKPOINT_LIMIT;
  }
}
