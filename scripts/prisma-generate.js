// Generates the Prisma client offline. Prisma's CLI wants a schema-engine binary even for `generate`
// (which never runs it) and would download one; pointing it at any existing file skips the download.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
execFileSync(process.execPath, [require.resolve('prisma/build/index.js', { paths: [root] }), 'generate'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
