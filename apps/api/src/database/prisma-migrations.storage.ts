import type { Client } from 'pg';
import type { UmzugStorage } from 'umzug';

/** Prisma's bookkeeping table, created exactly as `prisma migrate deploy` creates it. */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * umzug storage over Prisma's `_prisma_migrations`, so this runner and `prisma migrate deploy` agree on what
 * has been applied. The row of a migration is written by the migration itself, in the transaction that
 * applies its SQL (see migrator.ts), so a failed migration leaves neither its changes nor a row.
 */
export class PrismaMigrationsStorage implements UmzugStorage<Client> {
  constructor(private readonly client: Client) {}

  async ensureTable(): Promise<void> {
    await this.client.query(CREATE_TABLE);
  }

  async executed(): Promise<string[]> {
    const { rows } = await this.client.query<{ migration_name: string }>(
      `SELECT "migration_name" FROM "_prisma_migrations"
       WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL ORDER BY "started_at", "migration_name"`,
    );
    return rows.map((r) => r.migration_name);
  }

  async logMigration(): Promise<void> {
    // recorded atomically by the migration's own transaction
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.client.query(
      `UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "migration_name" = $1 AND "rolled_back_at" IS NULL`,
      [name],
    );
  }
}
