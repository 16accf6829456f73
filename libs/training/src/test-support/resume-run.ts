// `node -r @swc-node/register libs/training/src/test-support/resume-run.ts <backend>`: trains a small
// synthetic run straight, then the same run interrupted after epoch 2 of 4 (its checkpoint upload fails, as a
// killed worker's would) and resumed from the checkpoints; prints both as JSON for resume.slow-spec.ts. A process
// of its own, because the pure-JS cpu backend crawls in Jest's sandbox.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { selectBackend, type BackendName } from '../backend/select-backend';
import { trainRun, type EpochResult } from '../train-run';

async function main(backend: BackendName) {
  await selectBackend(backend);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-resume-'));
  const config = ExperimentConfigSchema.parse({
    model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
    training: { epochs: 4, batchSize: 50, learningRate: 0.01, seed: 0 },
    data: { dataset: 'synthetic', trainLimit: 300, valLimit: 250, testLimit: 500 },
  });

  const straightEpochs: EpochResult[] = [];
  const straight = await trainRun('straight', config, dataDir, { onEpoch: async (e) => void straightEpochs.push(e) });

  const saved: Record<string, Buffer> = {};
  const resumedEpochs: EpochResult[] = [];
  const interrupted = await trainRun('resumed', config, dataDir, {
    onEpoch: async (e) => void resumedEpochs.push(e),
    onCheckpoint: async (kind, bytes, epoch) => {
      saved[kind] = bytes;
      if (kind === 'latest' && epoch === 1) throw new Error('worker killed');
    },
  }).then(
    () => 'finished',
    (error: Error) => error.message,
  );
  const resumed = await trainRun(
    'resumed',
    config,
    dataDir,
    { onEpoch: async (e) => void resumedEpochs.push(e) },
    { resume: { latest: saved.latest, best: saved.best ?? null } },
  );
  console.log(
    JSON.stringify({
      straight: { epochs: straightEpochs, result: straight },
      interrupted,
      resumed: { epochs: resumedEpochs, result: resumed },
    }),
  );
}

main(process.argv[2] as BackendName).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
