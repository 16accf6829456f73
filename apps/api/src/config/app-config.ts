import { z } from 'zod';
import { DEFAULT_MAX_GROUP_RUNS, setVariables } from '@gradlab/contracts';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/gradlab';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const AppConfigSchema = z.object({
  /** `development` shows stack traces and internal error messages in GraphQL answers; nothing else does. */
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  /** Prefix of every BullMQ key, so several stacks (tests, staging) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('gradlab'),
  /** Re-queue unfinished runs that have no job at start-up (after Redis lost its data). */
  REQUEUE_ON_START: z.enum(['true', 'false']).default('true'),
  /** How often runs and queues are reconciled while the api runs (0: only at start-up). */
  RECONCILE_INTERVAL_S: z.coerce.number().min(0).default(30),
  /** Workers present it to upload and download checkpoints; unset, no one can (npm start makes one up). */
  WORKER_TOKEN: z.string().min(16).optional(),
  /** Largest checkpoint upload, in express's notation. */
  CHECKPOINT_LIMIT: z.string().default('512mb'),
  /** Largest JSON request body. */
  BODY_LIMIT: z.string().default('1mb'),
  /** The first staff admin, made at start-up when set (team "default"); no default password. */
  GRADLAB_ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
  GRADLAB_ADMIN_PASSWORD: z.string().min(10).optional(),
  GRADLAB_ADMIN_TOKEN: z.string().min(20).optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(168),
  /** Secure cookies need HTTPS; set true behind TLS. */
  SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  /** Run submissions per user (all their keys and sessions together) per minute. */
  SUBMIT_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** Run submissions per team per minute. */
  SUBMIT_RATE_LIMIT_TEAM: z.coerce.number().int().min(1).default(120),
  /** Failed sign-ins from one address in 15 minutes before it is refused. */
  LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  /** Runs a team may have waiting in the queue at once: room for the largest default group (MAX_GROUP_RUNS). */
  MAX_QUEUED_RUNS_PER_TEAM: z.coerce.number().int().min(1).default(64),
  /** Runs one group (seeds x grid cells) may have; each also counts against MAX_QUEUED_RUNS_PER_TEAM. */
  MAX_GROUP_RUNS: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_MAX_GROUP_RUNS),
  /** GraphQL: deepest query and most complex query (one point a field, lists weighted by size). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(8),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(2000),
  /** GraphQL: most fields (fragments expanded) and aliases in one query. */
  GRAPHQL_MAX_NODES: z.coerce.number().int().min(10).default(500),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  /** GraphQL: complexity points one user may spend per minute, across all their keys and sessions. */
  GRAPHQL_COST_PER_MINUTE: z.coerce.number().int().min(100).default(20_000),
  /** The dashboard's port: its origins on this machine are the default allowed origins. */
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Origins (comma-separated) whose pages may call the api with the session cookie. */
  WEB_ORIGIN: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const origins = (value ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      for (const origin of origins) {
        if (!/^https?:\/\/[^/\s]+$/.test(origin))
          ctx.addIssue({ code: 'custom', message: `"${origin}" is no origin (scheme://host[:port], no path)` });
      }
      return origins;
    }),
  /** A worker silent for this long is dropped from the workers list (it is shown offline well before). */
  WORKER_FORGET_AFTER_S: z.coerce.number().int().min(30).default(600),
  /** Fair share looks back this many hours: the team that used the least worker time in it goes first. */
  FAIR_SHARE_WINDOW_H: z.coerce.number().positive().default(24),
  /** A run estimated to take longer than this on a CPU worker waits for a GPU worker, while one was seen lately. */
  CPU_MAX_ESTIMATE_H: z.coerce.number().positive().default(2),
  /** How lately a GPU worker must have been seen for such a run to wait for one (minutes). */
  GPU_SEEN_WINDOW_MIN: z.coerce.number().positive().default(60),
  /** How often the scheduler looks for free workers (it also does at each submission and finished run). */
  DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).default(500),
  /** Requests one api instance answers at once; past it, 503 with retry-after at once (docs/deployment.md). */
  MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(256),
  /** Workers' run events waiting in the queue past which readers' GETs answer 503, so epochs go first (0: off). */
  SHED_EVENT_BACKLOG: z.coerce.number().int().min(0).default(100),
});

/** The api's configuration, validated once at boot; services receive it and never read process.env. */
export class AppConfig {
  readonly development: boolean;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly requeueOnStart: boolean;
  readonly reconcileIntervalMs: number;
  readonly workerToken: string | undefined;
  readonly checkpointLimit: string;
  readonly bodyLimit: string;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly adminToken: string | undefined;
  readonly sessionTtlHours: number;
  readonly secureCookies: boolean;
  readonly submitRateLimit: number;
  readonly submitRateLimitTeam: number;
  readonly loginFailuresPerIp: number;
  readonly maxQueuedRunsPerTeam: number;
  readonly maxGroupRuns: number;
  readonly graphqlMaxDepth: number;
  readonly graphqlMaxComplexity: number;
  readonly graphqlMaxNodes: number;
  readonly graphqlMaxAliases: number;
  readonly graphqlCostPerMinute: number;
  /** Browser origins allowed to call the api with credentials (CORS and socket.io). */
  readonly webOrigins: string[];
  readonly workerForgetAfterMs: number;
  readonly fairShareWindowMs: number;
  readonly cpuMaxEstimateMs: number;
  readonly gpuSeenWindowMs: number;
  readonly dispatchIntervalMs: number;
  readonly maxInFlight: number;
  readonly shedEventBacklog: number;

  constructor(env: Record<string, string | undefined>) {
    const result = AppConfigSchema.safeParse(setVariables(env));
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid api configuration: ${problems}`);
    }
    const c = result.data;
    this.development = c.NODE_ENV === 'development';
    this.port = c.PORT;
    this.host = c.HOST;
    this.databaseUrl = c.DATABASE_URL;
    this.redisUrl = c.REDIS_URL;
    this.queuePrefix = c.QUEUE_PREFIX;
    this.requeueOnStart = c.REQUEUE_ON_START === 'true';
    this.reconcileIntervalMs = c.RECONCILE_INTERVAL_S * 1000;
    this.workerToken = c.WORKER_TOKEN;
    this.checkpointLimit = c.CHECKPOINT_LIMIT;
    this.bodyLimit = c.BODY_LIMIT;
    this.adminEmail = c.GRADLAB_ADMIN_EMAIL;
    this.adminPassword = c.GRADLAB_ADMIN_PASSWORD;
    this.adminToken = c.GRADLAB_ADMIN_TOKEN;
    this.sessionTtlHours = c.SESSION_TTL_HOURS;
    this.secureCookies = c.SECURE_COOKIES === 'true';
    this.submitRateLimit = c.SUBMIT_RATE_LIMIT;
    this.submitRateLimitTeam = c.SUBMIT_RATE_LIMIT_TEAM;
    this.loginFailuresPerIp = c.LOGIN_FAILURES_PER_IP;
    this.maxQueuedRunsPerTeam = c.MAX_QUEUED_RUNS_PER_TEAM;
    this.maxGroupRuns = c.MAX_GROUP_RUNS;
    this.graphqlMaxDepth = c.GRAPHQL_MAX_DEPTH;
    this.graphqlMaxComplexity = c.GRAPHQL_MAX_COMPLEXITY;
    this.graphqlMaxNodes = c.GRAPHQL_MAX_NODES;
    this.graphqlMaxAliases = c.GRAPHQL_MAX_ALIASES;
    this.graphqlCostPerMinute = c.GRAPHQL_COST_PER_MINUTE;
    this.webOrigins = c.WEB_ORIGIN.length
      ? c.WEB_ORIGIN
      : [`http://localhost:${c.WEB_PORT}`, `http://127.0.0.1:${c.WEB_PORT}`];
    this.workerForgetAfterMs = c.WORKER_FORGET_AFTER_S * 1000;
    this.fairShareWindowMs = c.FAIR_SHARE_WINDOW_H * 3600_000;
    this.cpuMaxEstimateMs = c.CPU_MAX_ESTIMATE_H * 3600_000;
    this.gpuSeenWindowMs = c.GPU_SEEN_WINDOW_MIN * 60_000;
    this.dispatchIntervalMs = c.DISPATCH_INTERVAL_MS;
    this.maxInFlight = c.MAX_IN_FLIGHT;
    this.shedEventBacklog = c.SHED_EVENT_BACKLOG;
  }
}
