import { migrateDatabase } from '../apps/api/src/database/migrator';
import { startTestApi, type TestApi } from '../apps/api/src/test-support/test-api';
import { createTestDatabase, testQueuePrefix } from '../apps/api/src/test-support/test-database';

/**
 * A benchmark against the real api, in-process, on a database of its own: migrated, seeded by `seed` before
 * the api starts, and dropped afterwards whatever happens.
 */
export async function withBenchApi(
  options: { env?: Record<string, string>; seed?: (databaseUrl: string) => Promise<void> },
  measure: (api: TestApi) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase();
  try {
    await migrateDatabase(db.url);
    await options.seed?.(db.url);
    const api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix(), ...options.env });
    try {
      await measure(api);
    } finally {
      await api.app.close();
    }
  } finally {
    await db.drop();
  }
}

/** Runs a benchmark's main: an error is printed, and the exit code says it failed. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}
