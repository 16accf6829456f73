// Builds the dashboard with `next build`. The output is standalone (next.config.ts): a plain-node server
// with the dependencies it traced, apps/web/.next/standalone/apps/web/server.js, which `npm start`,
// `npm run start:prod` and the web image all run. Next leaves the static assets out of it; they are copied in.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const web = path.join(root, 'apps/web');
/** The dashboard's server, started with plain node (PORT, HOSTNAME and API_URL from the environment). */
const WEB_SERVER = path.join(web, '.next/standalone/apps/web/server.js');

function buildWeb() {
  const nextBin = require.resolve('next/dist/bin/next', { paths: [root] });
  const build = spawnSync(process.execPath, [nextBin, 'build', 'apps/web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
  const standalone = path.dirname(WEB_SERVER);
  rmSync(path.join(standalone, '.next/static'), { recursive: true, force: true });
  cpSync(path.join(web, '.next/static'), path.join(standalone, '.next/static'), { recursive: true });
  if (existsSync(path.join(web, 'public')))
    cpSync(path.join(web, 'public'), path.join(standalone, 'public'), { recursive: true });
  console.log(`[build] dashboard: ${path.relative(root, WEB_SERVER)}`);
}

/** True when the dashboard has no build, or a source it is built from changed after it. */
function webBuildIsStale() {
  if (!existsSync(WEB_SERVER)) return true;
  const builtAt = statSync(WEB_SERVER).mtimeMs;
  const sources = [
    'apps/web/src',
    'apps/web/next.config.ts',
    'libs/contracts/src',
    'libs/figures/src',
    'libs/analysis/src',
    'package-lock.json',
  ];
  return sources.some((source) => newestMtime(path.join(root, source)) > builtAt);
}

function newestMtime(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce(
    (newest, entry) => Math.max(newest, newestMtime(path.join(file, entry))),
    stat.mtimeMs,
  );
}

module.exports = { buildWeb, webBuildIsStale, WEB_SERVER };
