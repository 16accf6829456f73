import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { trainRun } from '../train-run';
import { describeDevice } from './describe-device';
import { selectBackend } from './select-backend';
import { activeWebGpuAdapter } from './webgpu';

// TF_BACKEND=webgpu on this machine's software adapter (Mesa's llvmpipe through Dawn's OpenGL ES backend).
describe('the webgpu backend, forced', () => {
  beforeAll(async () => {
    await selectBackend('webgpu');
  }, 60_000);

  it('runs on the software adapter and names it', () => {
    expect(tf.getBackend()).toBe('webgpu');
    expect(activeWebGpuAdapter()).toMatchObject({ backendType: 'opengles', software: true });
    expect(describeDevice('webgpu')).toMatch(/^GPU llvmpipe.*, Dawn opengles, software renderer$/);
  });

  it('holds as many tensors and bytes, in the engine and on the GPU, after the third epoch as after the first', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-webgpu-'));
    const config = ExperimentConfigSchema.parse({
      model: { numFilters: 4, numStages: 2, numBlocksPerStage: 1, blockType: 'conv_block_bn_rc' },
      training: { epochs: 4, batchSize: 20, seed: 0 },
      data: { dataset: 'synthetic', trainLimit: 60, valLimit: 20, testLimit: 20 },
    });
    const before = tf.memory();
    const after: { numTensors: number; numBytes: number; numBytesInGPU: number }[] = [];
    await trainRun('memory', config, dataDir, {
      onEpoch: async () => {
        // numBytesInGPU counts the backend's own buffers too, which kernels make and must free themselves.
        const { numTensors, numBytes, numBytesInGPU } = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        after.push({ numTensors, numBytes, numBytesInGPU });
      },
    });
    expect(after).toHaveLength(4);
    const engine = after.map(({ numTensors, numBytes }) => ({ numTensors, numBytes }));
    expect(engine[2]).toEqual(engine[0]);
    expect(engine[3]).toEqual(engine[0]);
    // The GPU's from the second epoch: the best epoch's weights are clones that share the parameters' buffers
    // until the next step gives the parameters new ones, so one copy of the weights more is expected then.
    expect(after[2].numBytesInGPU).toBe(after[1].numBytesInGPU);
    expect(after[3].numBytesInGPU).toBe(after[1].numBytesInGPU);
    expect(tf.memory().numTensors).toBe(before.numTensors);
  }, 120_000);
});
