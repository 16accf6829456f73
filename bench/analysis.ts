// `npm run bench:analysis [-- --repeat 20]`: what aggregation and diagnosis cost against real Postgres.
// Groups of 5, 20 and 40 seeds of a 77-layer network (VGG_38 BN+RC's weight tensors) get 100 epochs each,
// stored through the api's own RunEventsService as workers report them (four at once). Then, in-process:
// - storing an epoch, with the group's running statistics updated in its transaction;
// - a group's aggregate (its layer statistics read from the running statistics), in the service and over
//   HTTP, and the same runs chosen by id (their statistics computed from the rows), median and p95;
// - diagnosis of one 100-epoch run: the pure function alone, and with its query.
import { diagnose } from '@gradlab/analysis';
import type { GroupDto } from '@gradlab/contracts';
import { AggregatesService } from '../apps/api/src/groups/aggregates.service';
import { DiagnosisService } from '../apps/api/src/runs/diagnosis.service';
import { RunEventsService } from '../apps/api/src/run-events/run-events.service';
import { epochCompletedEvent } from '../apps/api/src/test-support/run-event-builders';
import { runBench, withBenchApi } from './bench-api';
import { flag, medianAndP95, time } from './timing';

const EPOCHS = 100;
const LAYERS = 77;

const layersOf = (seed: number, epoch: number) =>
  Array.from({ length: LAYERS }, (_, l) => {
    const r = (k: number) => Math.abs(Math.sin((seed * 1e4 + epoch * 100 + l) * 12.9898 + k) * 43758.5453) % 1;
    return {
      layerIndex: l,
      name: `layer_dict.layer_${l}.weight`,
      shortName: `layer_${l}`,
      kind: (l % 2 ? 'batchnorm' : 'conv') as 'conv' | 'batchnorm',
      meanAbs: 10 ** (-2 - 2 * r(1)),
      lastBatchMeanAbs: 10 ** (-2 - 2 * r(2)),
      l2: r(3),
      maxAbs: r(4),
      nonFiniteCount: 0,
      weightL2: 1 + r(5),
      updateRatio: 10 ** (-3 - r(6)),
    };
  });

async function main() {
  const repeat = flag('repeat', 20);
  await withBenchApi(
    { env: { MAX_GROUP_RUNS: '40', MAX_QUEUED_RUNS_PER_TEAM: '100', SUBMIT_RATE_LIMIT: '1000' } },
    async (api) => {
      const events = api.app.get(RunEventsService);
      const aggregates = api.app.get(AggregatesService);
      const get = async (route: string) =>
        (
          await fetch(`${api.url}/api${route}`, { headers: { authorization: `Bearer ${api.adminToken}` } })
        ).arrayBuffer();
      // Groups of 5, 20 and 40 seeds, every epoch stored through the api's own path (as workers report them).
      const storeTimes: number[] = [];
      const groups: GroupDto[] = [];
      for (const size of [5, 20, 40]) {
        const response = await fetch(`${api.url}/api/groups`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
          body: JSON.stringify({
            name: `bench ${size}`,
            config: { model: { blockType: 'conv_block_bn_rc' }, data: { dataset: 'synthetic' } },
            seeds: Array.from({ length: size }, (_, i) => i),
          }),
        });
        const group = (await response.json()) as GroupDto;
        groups.push(group);
        const store = async (runId: string, seed: number) => {
          for (let epoch = 0; epoch < EPOCHS; epoch++) {
            const t0 = performance.now();
            await events.epochCompleted(
              epochCompletedEvent(runId, epoch, {
                totalEpochs: EPOCHS,
                trainLoss: 4.6 - epoch * 0.02,
                trainAccuracy: 0.01 + epoch * 0.004,
                valLoss: 4.6 - epoch * 0.015,
                valAccuracy: 0.01 + epoch * 0.0035,
                durationMs: 60_000,
                layers: layersOf(seed, epoch),
              }),
            );
            storeTimes.push(performance.now() - t0);
          }
        };
        // Four runs reporting at once, as four workers would.
        for (let i = 0; i < group.runs.length; i += 4)
          await Promise.all(group.runs.slice(i, i + 4).map((run) => store(run.id, run.seed)));
      }
      const total = groups.reduce((n, g) => n + g.runs.length, 0);
      console.log(
        `${total} runs x ${EPOCHS} epochs x ${LAYERS} layers stored through RunEventsService (${total * EPOCHS * LAYERS} layer rows); ${repeat} repeats each`,
      );
      console.log(`storing an epoch (4 at once; with the group's running statistics): ${medianAndP95(storeTimes)}`);

      // One at a time: what a group's running statistics add to storing an epoch.
      const post = async (route: string, body: unknown) =>
        (
          await fetch(`${api.url}/api${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
            body: JSON.stringify(body),
          })
        ).json();
      const benchConfig = { model: { blockType: 'conv_block_bn_rc' }, data: { dataset: 'synthetic' } };
      const single = (await post('/runs', { config: benchConfig })) as { id: string };
      const member = ((await post('/groups', { config: benchConfig, seeds: [99] })) as GroupDto).runs[0];
      for (const [label, runId] of [
        ['a run in no group', single.id],
        ['a run of a group', member.id],
      ] as const) {
        let epoch = 0;
        const median = await time(Math.min(repeat * 2, EPOCHS - 1), () =>
          events.epochCompleted(
            epochCompletedEvent(runId, epoch++, { totalEpochs: EPOCHS, layers: layersOf(1, epoch) }),
          ),
        );
        console.log(`storing an epoch of ${label}, one at a time: ${median}`);
      }

      console.log('\naggregation (per epoch, per layer and epoch, test metrics)');
      for (const group of groups) {
        const ids = group.runs.map((r) => r.id);
        const kept = await time(repeat, () => aggregates.aggregate(ids, { groupId: group.id, cell: '' }));
        const keptHttp = await time(repeat, () => get(`/groups/${group.id}/aggregate`));
        const computed = await time(repeat, () => aggregates.aggregate(ids));
        const bytes = (await get(`/groups/${group.id}/aggregate`)).byteLength;
        console.log(
          `${String(ids.length).padStart(3)} runs  group (kept)     service ${kept}   HTTP ${keptHttp}   (${(bytes / 1e6).toFixed(1)} MB of JSON)`,
        );
        console.log(`${String(ids.length).padStart(3)} runs  chosen (computed) service ${computed}`);
      }

      console.log(`\ndiagnosis of one run (${EPOCHS} epochs, ${LAYERS} layers)`);
      const diagnosis = api.app.get(DiagnosisService);
      const runId = groups[0].runs[0].id;
      const config = groups[0].runs[0].config;
      const epochs = JSON.parse(Buffer.from(await get(`/runs/${runId}/epochs`)).toString());
      const flows = JSON.parse(Buffer.from(await get(`/runs/${runId}/gradient-flow/all`)).toString());
      console.log(
        `pure diagnose(), every epoch's layers     ${await time(repeat, async () => diagnose({ numClasses: 100, epochs, gradientFlow: flows }))}`,
      );
      console.log(
        `DiagnosisService.diagnose (query + pure)  ${await time(repeat, () => diagnosis.diagnose(runId, config))}   (runs after an epoch is stored, not within it)`,
      );
    },
  );
}

runBench(main);
