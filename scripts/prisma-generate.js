// Generates the Prisma client offline. Prisma's CLI wants a schema-engine binary even for `generate`
// (which never runs it) and would download one; pointing it at any existing file skips the download.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
let cli;
try {
  cli = require.resolve('prisma/build/index.js', { paths: [root] });
} catch {
  // A production install (npm ci --omit=dev) has no Prisma CLI, a dev dependency: a worker needs no client,
  // and the api's is in the production build (npm run build).
  console.log('prisma-generate: the Prisma CLI is not installed (npm ci --omit=dev); the client is not generated');
  process.exit(0);
}
execFileSync(process.execPath, [cli, 'generate'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
