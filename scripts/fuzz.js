// `npm run test:fuzz -- [--seed N]`: the edges fuzz suite (apps/api/src/edges) with another seed, for
// exploring; `npm test` runs it with the fixed seed. Needs Postgres and Redis, as the integration tests.
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
if (!/^\d+$/.test(seed)) {
  console.error(`--seed: a non-negative integer, got ${seed}`);
  process.exit(2);
}
console.log(`fuzz seed ${seed}`);
const result = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '--runInBand', 'apps/api/src/edges/edges-fuzz.int-spec.ts'],
  {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SEED: seed },
  },
);
process.exit(result.status ?? 1);
