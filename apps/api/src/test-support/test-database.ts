import { randomBytes } from 'node:crypto';
import { redisConnectionFromUrl } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { Client } from 'pg';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test file, on the machine's Postgres; dropped afterwards. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `gradlab_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A BullMQ key prefix of its own, so tests never see each other's (or a dev stack's) jobs. */
export function testQueuePrefix(): string {
  return `gradlab-test-${randomBytes(4).toString('hex')}`;
}

/** Removes every key of the named queues under a test's prefix: what its api left in Redis. */
export async function obliterateQueues(prefix: string, names: string[]): Promise<void> {
  for (const name of names) {
    const queue = new Queue(name, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Polls `check` every `intervalMs` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
