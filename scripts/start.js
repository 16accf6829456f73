// `npm start`: migrates the database, then runs the api and one worker (WORKERS=n for more), each restarted
// by nobody: if one exits, everything stops, so a broken start is seen at once.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node = (script) => [process.execPath, ['-r', '@swc-node/register', path.join(root, script)]];

const migrate = spawnSync(...node('scripts/db-migrate.ts'), { cwd: root, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const workers = Number(process.env.WORKERS ?? 1);
const services = [['api', 'apps/api/src/main.ts']];
for (let i = 0; i < workers; i++) services.push([workers > 1 ? `worker-${i}` : 'worker', 'apps/worker/src/main.ts']);

// Workers talk to Redis and the api only: they never get the database URL. They reach the api started
// here unless API_URL says otherwise.
const { DATABASE_URL: _databaseUrl, ...workerEnv } = process.env;
workerEnv.API_URL ??= `http://127.0.0.1:${process.env.PORT ?? 4000}`;

const children = services.map(([name, script]) => {
  const env = name === 'api' ? process.env : workerEnv;
  const child = spawn(...node(script), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
