import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Umzug } from 'umzug';
import { PrismaMigrationsStorage } from './prisma-migrations.storage';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');
/** The advisory lock key `prisma migrate` takes, so the two never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies the SQL migrations under prisma/migrations (Prisma's layout: <timestamp>_<name>/migration.sql) with
 * umzug. Creates the database first when it does not exist. Each migration runs in one transaction together
 * with its `_prisma_migrations` row (checksum = sha256 of migration.sql, as Prisma computes it).
 */
export async function migrateDatabase(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<MigrateResult> {
  await createDatabaseIfMissing(databaseUrl, log);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    const storage = new PrismaMigrationsStorage(client);
    await storage.ensureTable();
    const alreadyApplied = await storage.executed();
    const umzug = new Umzug({
      migrations: await readMigrations(client),
      storage,
      logger: undefined,
    });
    const applied = (await umzug.up()).map((m) => m.name);
    for (const name of applied) log(`applied migration ${name}`);
    return { applied, alreadyApplied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

async function readMigrations(client: Client) {
  const entries = await fs.readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(MIGRATIONS_DIR, name, 'migration.sql');
      const sql = await fs.readFile(file, 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      return {
        name,
        path: file,
        up: async () => {
          await client.query('BEGIN');
          try {
            const started = new Date();
            await client.query(sql);
            await client.query(
              `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count")
               VALUES ($1, $2, now(), $3, $4, 1)`,
              [randomUUID(), checksum, name, started],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${name} failed: ${(error as Error).message}`);
          }
        },
      };
    }),
  );
}

async function createDatabaseIfMissing(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
      log(`created database ${database}`);
    }
  } finally {
    await admin.end();
  }
}
