import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from '../test-support/test-database';
import { migrateDatabase, MIGRATIONS_DIR } from './migrator';

describe('migrateDatabase (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the database, applies every migration and records it as Prisma does', async () => {
    const result = await migrateDatabase(db.url);
    expect(result.alreadyApplied).toEqual([]);
    expect(result.applied).toContain('20261127000000_init');

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'ApiKey',
        'Block',
        'Checkpoint',
        'Epoch',
        'GroupLayerStat',
        'LayerGradient',
        'MemberRunTally',
        'Run',
        'RunGroup',
        'Session',
        'Team',
        'User',
        'Worker',
        '_prisma_migrations',
      ]);
      const rows = await client.query(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      const migrations = readdirSync(MIGRATIONS_DIR)
        .filter((name) => /^\d{14}_/.test(name))
        .sort();
      expect(migrations).toEqual([
        '20261127000000_init',
        '20261127200000_run_list_filters',
        '20261127210000_teams_users_keys',
        '20261127230000_update_ratio',
        '20261129000000_admin_role',
        '20261129010000_run_kind',
        '20261129100000_run_groups',
        '20261129110000_group_layer_stats',
        '20261205000000_device',
        '20261205120000_worker_waiting_for_api',
        '20261206000000_fair_share',
        '20261207000000_blocks',
        '20261208000000_run_list_indexes',
        '20261209000000_member_run_tally',
      ]);
      expect(rows.rows).toEqual(
        migrations.map((name) => ({
          migration_name: name,
          checksum: createHash('sha256')
            .update(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
            .digest('hex'),
          finished_at: expect.any(Date),
          rolled_back_at: null,
          applied_steps_count: 1,
        })),
      );
      const indexes = await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'Run'`);
      expect(indexes.rows.map((r) => r.indexname)).toEqual(
        expect.arrayContaining([
          'Run_createdAt_id_idx',
          'Run_status_createdAt_idx',
          'Run_blockType_createdAt_idx',
          'Run_architecture_createdAt_idx',
          'Run_createdById_teamId_idx',
        ]),
      );
    } finally {
      await client.end();
    }
  });

  it('applies nothing the second time, also when two run at once', async () => {
    const [a, b] = await Promise.all([migrateDatabase(db.url), migrateDatabase(db.url)]);
    expect(a.applied).toEqual([]);
    expect(b.applied).toEqual([]);
    expect(a.alreadyApplied).toContain('20261127000000_init');
  });
});
