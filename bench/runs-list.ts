// `npm run bench:runs-list [-- --runs 10000 --repeat 30]`: the Runs page's queries against a database of
// 10,000 runs, through the real api (in-process, real Postgres). Prints the median and p95 time of each
// page request: the first page, a deep page, each filter and a name search.
import { ExperimentConfigSchema, BLOCK_TYPES, RUN_STATUSES } from '@gradlab/contracts';
import { architectureName } from '@gradlab/models';
import { Client } from 'pg';
import { runBench, withBenchApi } from './bench-api';
import { flag, medianAndP95 } from './timing';

/** The team the migrations create (the admin's): the runs are its, so the admin's key lists them. */
const DEFAULT_TEAM_ID = '00000000-0000-4000-8000-000000000001';

async function seed(url: string, count: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const blockType = BLOCK_TYPES[i % 4];
      const config = ExperimentConfigSchema.parse({
        model: { blockType, numBlocksPerStage: i % 3 === 0 ? 0 : 5 },
        training: { seed: i },
      });
      const status = RUN_STATUSES[i % RUN_STATUSES.length];
      const p = values.length;
      rows.push(
        `(gen_random_uuid(), $${p + 1}, $${p + 2}::"RunStatus", $${p + 3}::jsonb, $${p + 4}, $${p + 5}, 100, now() - ($${p + 6} || ' seconds')::interval, now(), '${DEFAULT_TEAM_ID}')`,
      );
      values.push(
        `student ${i % 300} run ${i}`,
        status,
        JSON.stringify(config),
        architectureName(config.model),
        blockType,
        count - i,
      );
    }
    await client.query(
      `INSERT INTO "Run" (id, name, status, config, architecture, "blockType", "totalEpochs", "createdAt", "updatedAt", "teamId") VALUES ${rows.join(',')}`,
      values,
    );
  }
  await client.query('ANALYZE "Run"');
  await client.end();
}

async function main() {
  const runs = flag('runs', 10_000);
  const repeat = flag('repeat', 30);
  await withBenchApi({ seed: (url) => seed(url, runs) }, async (api) => {
    const deepPage = Math.floor(runs / 25 / 2);
    const queries: [string, string][] = [
      ['first page', 'page=1&pageSize=25'],
      [`page ${deepPage}`, `page=${deepPage}&pageSize=25`],
      ['status=running', 'status=running&pageSize=25'],
      ['blockType=conv_block_bn_rc', 'blockType=conv_block_bn_rc&pageSize=25'],
      ['architecture=VGG_38', 'architecture=VGG_38&pageSize=25'],
      ['search "run 123"', 'q=run%20123&pageSize=25'],
      ['all filters + search', 'status=completed&blockType=conv_block&architecture=VGG_38&q=student%201&pageSize=25'],
    ];
    console.log(`${runs} runs, ${repeat} requests each (GET /api/runs, 25 per page)`);
    for (const [label, query] of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        const response = await fetch(`${api.url}/api/runs?${query}`, {
          headers: { authorization: `Bearer ${api.adminToken}` },
        });
        const body = (await response.json()) as { total: number };
        times.push(performance.now() - t0);
        total = body.total;
      }
      console.log(`${label.padEnd(28)} ${medianAndP95(times)}   (${total} matches)`);
    }
  });
}

runBench(main);
