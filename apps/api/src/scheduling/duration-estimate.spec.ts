import { ExperimentConfigSchema, type ExperimentConfigInput } from '@gradlab/contracts';
import { describeNetwork, forwardMultiplyAdds } from '@gradlab/models';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { estimateDuration } from './duration-estimate';

const readBlock = (file: string) => JSON.parse(readFileSync(file, 'utf8')).block;

const config = (input: ExperimentConfigInput) => ExperimentConfigSchema.parse(input);
const vgg08 = config({
  model: { numBlocksPerStage: 0 },
  training: { epochs: 10 },
  data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 200, testLimit: 500 },
});

describe('duration estimates', () => {
  it('says so when nothing was measured', () => {
    expect(estimateDuration([], vgg08)).toEqual({
      epochMs: null,
      totalMs: null,
      basis: 'none',
      epochsMeasured: 0,
      backend: null,
    });
  });

  it('uses the same network when it was measured, scaled to this data, with the median epoch', () => {
    const measured = config({ ...vgg08, data: { dataset: 'synthetic', trainLimit: 500, valLimit: 100 } }); // half the images
    const samples = [1000, 1100, 5000].map((durationMs) => ({ durationMs, config: measured, backend: null }));
    const other = config({ model: { numBlocksPerStage: 1 }, data: { dataset: 'synthetic' } });
    const estimate = estimateDuration([...samples, { durationMs: 1, config: other, backend: null }], vgg08);
    expect(estimate.basis).toBe('same-network');
    expect(estimate.epochsMeasured).toBe(3);
    expect(estimate.epochMs).toBeCloseTo(2200, 6); // twice the work of the median epoch (1100 ms)
    const testMs = (2200 / (3 * 1000 + 200)) * 500;
    expect(estimate.totalMs).toBeCloseTo(2200 * 10 + testMs, 6);
  });

  it("tells a team's blocks apart: another block of the same depth is scaled by its own multiply-adds", () => {
    const examples = path.resolve(__dirname, '../../../../examples/blocks');
    const ownBlock = (id: string, file: string) =>
      config({
        ...vgg08,
        model: {
          numBlocksPerStage: 5,
          block: { id, name: file, graph: readBlock(path.join(examples, `${file}.json`)) },
        },
      });
    const plain = ownBlock('00000000-0000-4000-8000-00000000000a', 'residual_no_bn');
    const projection = ownBlock('00000000-0000-4000-8000-00000000000b', 'projection_shortcut');
    const estimate = estimateDuration([{ durationMs: 1000, config: plain, backend: null }], projection);
    expect(estimate.basis).toBe('scaled');
    const ratio =
      forwardMultiplyAdds(describeNetwork(projection.model)) / forwardMultiplyAdds(describeNetwork(plain.model));
    expect(ratio).toBeGreaterThan(1);
    expect(estimate.epochMs).toBeCloseTo(1000 * ratio, 6);
  });

  it('scales from other networks by their multiply-adds when this one was never measured', () => {
    const vgg38 = config({ ...vgg08, model: {} });
    const estimate = estimateDuration([{ durationMs: 1000, config: vgg08, backend: null }], vgg38);
    expect(estimate.basis).toBe('scaled');
    const ratio = forwardMultiplyAdds(describeNetwork(vgg38.model)) / forwardMultiplyAdds(describeNetwork(vgg08.model));
    expect(estimate.epochMs).toBeCloseTo(1000 * ratio, 6);
  });

  it("counts only the epochs of the most recent epoch's backend, the workers' current one", () => {
    const epoch = (durationMs: number, backend: string) => ({ durationMs, config: vgg08, backend });
    // Most recent first: two epochs on wasm+onednn after five older ones on wasm, 4x slower.
    const samples = [
      epoch(1000, 'wasm+onednn'),
      epoch(1200, 'wasm+onednn'),
      ...[1, 2, 3, 4, 5].map(() => epoch(4000, 'wasm')),
    ];
    const estimate = estimateDuration(samples, vgg08);
    expect(estimate).toMatchObject({ basis: 'same-network', epochsMeasured: 2, backend: 'wasm+onednn' });
    expect(estimate.epochMs).toBeCloseTo(1100, 6); // the median of 1000 and 1200, not of all seven (4000)
  });
});
