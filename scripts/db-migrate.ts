// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (default: the local gradlab database).
import { migrateDatabase } from '../apps/api/src/database/migrator';
import { DEFAULT_DATABASE_URL } from '../apps/api/src/config/app-config';

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
migrateDatabase(url, (line) => console.log(line))
  .then(({ applied, alreadyApplied }) => {
    console.log(`database up to date: ${applied.length} migration(s) applied now, ${alreadyApplied.length} before`);
  })
  .catch((error: Error) => {
    console.error(`db:migrate failed: ${error.message}`);
    process.exit(1);
  });
