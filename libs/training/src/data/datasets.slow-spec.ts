import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataConfigSchema } from '@gradlab/contracts';
import { SeededRandom } from '@gradlab/models';
import { CIFAR_MEAN, CIFAR_STD, fillBatch } from './batches';
import { loadSplits } from './datasets';
import { generateSyntheticSet } from './synthetic';

describe('synthetic dataset', () => {
  it('is the same bytes every time and balanced over the 100 classes', () => {
    const a = generateSyntheticSet(3, 1);
    const b = generateSyntheticSet(3, 1);
    expect(createHash('sha256').update(a.images).digest('hex')).toBe(createHash('sha256').update(b.images).digest('hex'));
    const counts = new Array(100).fill(0);
    for (const label of a.labels) counts[label]++;
    expect(counts.every((c) => c === 3)).toBe(true);
  });

  it('is written once in the binary format and split 95% / 5% with the seed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-data-'));
    const data = DataConfigSchema.parse({ dataset: 'synthetic' });
    const splits = await loadSplits(data, dir, 0);
    expect([splits.train.count, splits.val.count, splits.test.count]).toEqual([4750, 250, 1000]);
    const train = readFileSync(path.join(dir, 'synthetic/cifar-100-binary/train.bin'));
    expect(train.length).toBe(5000 * 3074);
    const again = await loadSplits(data, dir, 0);
    expect(again.val.labels).toEqual(splits.val.labels);
    const otherSeed = await loadSplits(data, dir, 1);
    expect(otherSeed.val.labels).not.toEqual(splits.val.labels);
  });

  it('applies the train, validation and test limits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-data-'));
    const splits = await loadSplits(DataConfigSchema.parse({ dataset: 'synthetic', trainLimit: 300, valLimit: 100, testLimit: 50 }), dir, 0);
    expect([splits.train.count, splits.val.count, splits.test.count]).toEqual([300, 100, 50]);
  });

  it('fails naming the file when CIFAR-100 is missing or corrupt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-data-'));
    const data = DataConfigSchema.parse({ dataset: 'cifar100' });
    await expect(loadSplits(data, dir, 0)).rejects.toThrow(`data file ${path.join(dir, 'cifar-100-python')}: missing`);
    mkdirSync(path.join(dir, 'cifar-100-binary'));
    writeFileSync(path.join(dir, 'cifar-100-binary/train.bin'), Buffer.alloc(1000));
    await expect(loadSplits(data, dir, 0)).rejects.toThrow(`data file ${path.join(dir, 'cifar-100-binary/train.bin')}`);
  });
});

describe('fillBatch', () => {
  const set = generateSyntheticSet(1, 3);
  const pixel = (image: number, c: number, y: number, x: number) => set.images[image * 3072 + c * 1024 + y * 32 + x];

  it('normalises with the framework mean and std, NHWC', () => {
    const out = new Float32Array(2 * 3072);
    const labels = new Int32Array(2);
    fillBatch(set, [7, 3], 0, 2, null, out, labels);
    expect([...labels]).toEqual([set.labels[7], set.labels[3]]);
    const expected = (pixel(3, 2, 5, 9) / 255 - CIFAR_MEAN[2]) / CIFAR_STD[2];
    expect(out[3072 + (5 * 32 + 9) * 3 + 2]).toBeCloseTo(expected, 5);
  });

  it('crops with zero padding and flips: every output is one of the 81 x 2 shifted, mirrored copies', () => {
    const plain = new Float32Array(3072);
    fillBatch(set, [0], 0, 1, null, plain, new Int32Array(1));
    const padded = [0, 1, 2].map((c) => -CIFAR_MEAN[c] / CIFAR_STD[c]);
    const transformed = (dy: number, dx: number, flip: boolean) => {
      const out = new Float32Array(3072);
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          for (let c = 0; c < 3; c++) {
            const sy = y + dy;
            const sx = (flip ? 31 - x : x) + dx;
            out[(y * 32 + x) * 3 + c] = sy >= 0 && sy < 32 && sx >= 0 && sx < 32 ? plain[(sy * 32 + sx) * 3 + c] : padded[c];
          }
      return out;
    };
    const candidates: { key: string; image: Float32Array }[] = [];
    for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) for (const flip of [false, true]) candidates.push({ key: `${dy},${dx},${flip}`, image: transformed(dy, dx, flip) });

    const n = 40;
    const out = new Float32Array(n * 3072);
    fillBatch(set, new Array(n).fill(0), 0, n, new SeededRandom(5), out, new Int32Array(n));
    const seen = new Set<string>();
    for (let b = 0; b < n; b++) {
      const img = out.subarray(b * 3072, (b + 1) * 3072);
      const match = candidates.find((c) => c.image.every((v, i) => Math.abs(v - img[i]) < 1e-6));
      expect(match).toBeDefined();
      seen.add(match?.key ?? '');
    }
    expect(seen.size).toBeGreaterThan(20); // many different crops, both orientations
    expect([...seen].some((k) => k.endsWith('true')) && [...seen].some((k) => k.endsWith('false'))).toBe(true);
  });
});
