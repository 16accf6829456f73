// `npm start`: migrates the database, then runs the api, one worker (WORKERS=n for more) and the dashboard
// (on WEB_PORT, default 3000; WEB=0 leaves it out), each restarted by nobody: if one exits, everything
// stops, so a broken start is seen at once. The dashboard is built first when its sources changed.
// `npm run start:prod` (--prod) starts the same processes, with the same variables, from `npm run build`'s
// plain JavaScript in dist/ and builds nothing: no process loads TypeScript.
// Why a script of our own and not concurrently or `nx run-many`: the start is ordered (migrate, then build the
// dashboard if stale, then start), the api and workers share a worker token generated here when none is set,
// and one process exiting stops the others. Those tools run commands side by side; this is the sequence.
const { spawn, spawnSync } = require('node:child_process');
const os = require('node:os');
const { randomBytes } = require('node:crypto');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { buildWeb, webBuildIsStale, WEB_SERVER } = require('./build-web');

const root = path.resolve(__dirname, '..');
const prod = process.argv.includes('--prod');
// Sources through SWC for `npm start`; the build's JavaScript, with stack traces mapped back to the
// TypeScript, for start:prod.
const node = prod
  ? (script) => [process.execPath, ['--enable-source-maps', path.join(root, 'dist', script.replace(/\.ts$/, '.js'))]]
  : (script) => [process.execPath, ['-r', '@swc-node/register', path.join(root, script)]];
const withWeb = process.env.WEB !== '0';

if (prod) {
  const missing = [
    'dist/apps/api/src/main.js',
    'dist/apps/worker/src/main.js',
    'dist/scripts/db-migrate.js',
    ...(withWeb ? [path.relative(root, WEB_SERVER)] : []),
  ].filter((file) => !existsSync(path.join(root, file)));
  if (missing.length) {
    console.error(`start:prod needs the production build (npm run build); missing: ${missing.join(', ')}`);
    process.exit(1);
  }
}

const migrate = spawnSync(...node('scripts/db-migrate.ts'), { cwd: root, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

if (!prod && withWeb && webBuildIsStale()) {
  console.log('[web] building the dashboard (next build) ...');
  try {
    buildWeb();
  } catch (error) {
    console.error(`[web] ${error.message}`);
    process.exit(1);
  }
}

// Workers authenticate to the api with the worker token (never a user's key); one is made up for this
// start when none is set, so api and workers here share it.
process.env.WORKER_TOKEN ??= randomBytes(24).toString('hex');

const workers = Number(process.env.WORKERS ?? 1);
const services = [['api', 'apps/api/src/main.ts']];
for (let i = 0; i < workers; i++) services.push([workers > 1 ? `worker-${i}` : 'worker', 'apps/worker/src/main.ts']);

// Workers talk to Redis and the api only: they never get the database URL. They reach the api started
// here unless API_URL says otherwise.
const { DATABASE_URL: _databaseUrl, ...workerEnv } = process.env;
const apiUrl = `http://127.0.0.1:${process.env.PORT ?? 4000}`;
workerEnv.API_URL ??= apiUrl;
// The host's cores are shared out: each worker's wasm backend gets an equal share of threads.
workerEnv.WASM_THREADS ??= String(Math.max(1, Math.floor(os.availableParallelism() / workers)));

// The dashboard talks to the api only, at API_URL (web-config.ts). PORT is the api's port here; the
// dashboard's server (Next's standalone server.js) listens on PORT and HOSTNAME, set from WEB_PORT and HOST.
const { DATABASE_URL: _dbUrl, ...webEnv } = process.env;
webEnv.API_URL ??= apiUrl;
webEnv.NEXT_TELEMETRY_DISABLED = '1';
webEnv.PORT = process.env.WEB_PORT ?? '3000';
webEnv.HOSTNAME = process.env.HOST ?? '0.0.0.0';
const webArgs = [...(prod ? ['--enable-source-maps'] : []), WEB_SERVER];

const commands = services.map(([name, script]) => [name, node(script), name === 'api' ? process.env : workerEnv]);
if (withWeb) commands.push(['web', [process.execPath, webArgs], webEnv]);

const children = commands.map(([name, [command, args], env]) => {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    console.log(`[${name}] exited (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  return child;
});

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
