import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PoolNameSchema, setVariables } from '@gradlab/contracts';
import { BACKEND_PREFERENCE, defaultWasmThreads, MAX_WASM_THREADS, type BackendName } from '@gradlab/training';

export const WorkerConfigSchema = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** The api, for checkpoint uploads. The worker never gets the database URL. */
  API_URL: z.string().url().default('http://127.0.0.1:4000'),
  WORKER_TOKEN: z.string().optional(),
  /** Relative to where the worker starts: the repository for `npm start`, /app in the images. */
  DATA_DIR: z.string().default('data'),
  QUEUE_PREFIX: z.string().min(1).default('gradlab'),
  /** Force a backend instead of the best that loads. */
  TF_BACKEND: z.enum(BACKEND_PREFERENCE as [BackendName, ...BackendName[]]).optional(),
  /** Threads of the wasm backend; `npm start` gives each of its WORKERS an equal share of the cores. */
  WASM_THREADS: z.coerce.number().int().min(1).max(MAX_WASM_THREADS).optional(),
  WORKER_ID: z.string().min(1).optional(),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** How long a job stays locked without renewal; a killed worker's job goes to another after this. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
  /** The pool this worker serves; by default its backend's: 'gpu' for GPU backends, 'cpu' otherwise. */
  WORKER_POOL: PoolNameSchema.optional(),
  /** Fetch CIFAR-100 on first use (false: clusters that stage it by hand). */
  DATASET_DOWNLOAD: z.enum(['true', 'false']).default('true'),
  /** A mirror of the official CIFAR-100 python archive, and its md5 when it serves another archive. */
  CIFAR100_URL: z.string().url().optional(),
  CIFAR100_MD5: z
    .string()
    .regex(/^[0-9a-f]{32}$/i, 'an md5 is 32 hex digits')
    .optional(),
});

/** The worker's configuration, validated once at start-up. */
export interface WorkerConfig {
  redisUrl: string;
  apiUrl: string;
  workerToken: string | undefined;
  dataDir: string;
  queuePrefix: string;
  backend: BackendName | undefined;
  wasmThreads: number;
  workerId: string;
  host: string;
  heartbeatIntervalMs: number;
  lockDurationMs: number;
  pool: string | undefined;
  dataset: { download: boolean; url: string | undefined; md5: string | undefined };
}

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const result = WorkerConfigSchema.safeParse(setVariables(env));
  if (!result.success) {
    throw new Error(
      `invalid worker configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const c = result.data;
  const host = hostname();
  return {
    redisUrl: c.REDIS_URL,
    apiUrl: c.API_URL,
    workerToken: c.WORKER_TOKEN,
    dataDir: path.resolve(c.DATA_DIR),
    queuePrefix: c.QUEUE_PREFIX,
    backend: c.TF_BACKEND,
    wasmThreads: c.WASM_THREADS ?? defaultWasmThreads(),
    workerId: c.WORKER_ID ?? `${host}-${process.pid}`,
    host,
    heartbeatIntervalMs: c.HEARTBEAT_INTERVAL_MS,
    lockDurationMs: c.WORKER_LOCK_MS,
    pool: c.WORKER_POOL,
    dataset: { download: c.DATASET_DOWNLOAD === 'true', url: c.CIFAR100_URL, md5: c.CIFAR100_MD5 },
  };
}
