// `npm run bench:dispatch [-- --teams 50 --queued 5000 --history 20000 --repeat 100]`: how long one dispatch
// decision takes with many teams and runs waiting, against the real api's dispatcher, Postgres and Redis.
// Seeds `queued` runs waiting over `teams` teams (weights 1-3, some with budgets) and `history` runs that
// used workers in the last day, then times:
// - the choice alone (DispatcherService.decide: every team's oldest run and its use, in one transaction);
// - a whole dispatch (dispatchOne: the lock, the free worker counted in Redis, the choice, the run marked
//   given, its job added), with a real BullMQ worker on the pool's queue taking each job at once.
import { redisConnectionFromUrl, trainingQueueName } from '@gradlab/contracts';
import { Worker } from 'bullmq';
import { Client } from 'pg';
import { PrismaService } from '../apps/api/src/prisma/prisma.service';
import { DispatcherService } from '../apps/api/src/scheduling/dispatcher.service';
import { runBench, withBenchApi } from './bench-api';
import { flag, medianAndP95 } from './timing';

const CONFIG = JSON.stringify({
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0, blockType: 'conv_block' },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
});

async function seed(url: string, teams: number, queued: number, history: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(
    `INSERT INTO "Team" (id, name, "shareWeight", "weeklyBudgetHours")
     SELECT gen_random_uuid(), 'bench team ' || i, 1 + i % 3, CASE WHEN i % 5 = 0 THEN 40 ELSE NULL END
     FROM generate_series(1, $1) AS i`,
    [teams],
  );
  // Runs that used workers in the last day (finished), then the runs waiting, spread over the teams.
  await client.query(
    `INSERT INTO "Run" (id, name, status, config, architecture, "blockType", "totalEpochs", "teamId", "createdAt",
                        "updatedAt", "dispatchedAt", "startedAt", "finishedAt", pool)
     SELECT gen_random_uuid(), 'done ' || i, 'completed', $1::jsonb, 'VGG_03', 'conv_block', 2, t.id,
            now() - interval '20 hours', now(), now() - (i % 1200 || ' minutes')::interval,
            now() - (i % 1200 || ' minutes')::interval, now() - (i % 1200 || ' minutes')::interval + interval '7 minutes', 'cpu'
     FROM generate_series(1, $2) AS i
     JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM "Team") t ON t.n = i % $3`,
    [CONFIG, history, teams + 1],
  );
  await client.query(
    `INSERT INTO "Run" (id, name, status, config, architecture, "blockType", "totalEpochs", "teamId", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), 'waiting ' || i, 'queued', $1::jsonb, 'VGG_03', 'conv_block', 2, t.id,
            now() - (i || ' seconds')::interval, now()
     FROM generate_series(1, $2) AS i
     JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM "Team") t ON t.n = i % $3`,
    [CONFIG, queued, teams + 1],
  );
  await client.query('ANALYZE');
  await client.end();
}

async function main() {
  const teams = flag('teams', 50);
  const queued = flag('queued', 5000);
  const history = flag('history', 20_000);
  const repeat = flag('repeat', 100);
  await withBenchApi(
    { env: { DISPATCH_INTERVAL_MS: '3600000' }, seed: (url) => seed(url, teams, queued, history) },
    async (api) => {
      const dispatcher = api.app.get(DispatcherService);
      const prisma = api.app.get(PrismaService);
      const pool = { pool: 'cpu', free: 1, speed: null };
      console.log(
        `${teams} teams, ${queued} runs waiting, ${history} runs in the fair-share window; ${repeat} decisions each`,
      );
      const choice: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        await prisma.$transaction((tx) => dispatcher.decide(tx, pool));
        choice.push(performance.now() - t0);
      }
      console.log(`the choice (decide)        ${medianAndP95(choice)}`);

      const prefix = (api.app.get(DispatcherService) as unknown as { config: { queuePrefix: string } }).config
        .queuePrefix;
      const worker = new Worker(trainingQueueName('cpu'), async () => 'taken', {
        connection: redisConnectionFromUrl('redis://127.0.0.1:6379'),
        prefix,
      });
      await worker.waitUntilReady();
      try {
        const whole: number[] = [];
        while (whole.length < repeat) {
          if ((await dispatcher.freePools()).length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 5)); // the worker finishes its job
            continue;
          }
          const t0 = performance.now();
          const given = await dispatcher.dispatchOne(pool);
          const ms = performance.now() - t0;
          if (given) whole.push(ms);
        }
        console.log(`a whole dispatch           ${medianAndP95(whole)}`);
      } finally {
        await worker.close();
      }
    },
  );
}

runBench(main);
