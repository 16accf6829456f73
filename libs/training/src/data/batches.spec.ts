import { SeededRandom } from '@gradlab/models';
import { CIFAR_MEAN, CIFAR_STD, fillBatch } from './batches';
import { IMAGE_BYTES, type ImageSet } from './image-set';

/** One image, channel-planar, whose pixel values are given per (channel, y, x). */
function image(value: (c: number, y: number, x: number) => number): ImageSet {
  const images = new Uint8Array(IMAGE_BYTES);
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) images[c * 1024 + y * 32 + x] = value(c, y, x);
  return { images, labels: Uint8Array.of(42), count: 1 };
}

/** The framework's Normalize, written out: (pixel / 255 - mean) / std. */
const normalise = (pixel: number, c: number) => (pixel / 255 - CIFAR_MEAN[c]) / CIFAR_STD[c];
/** Back from the batch to the 0..255 pixel it was made from. */
const pixelOf = (out: Float32Array, y: number, x: number, c: number) => Math.round((out[(y * 32 + x) * 3 + c] * CIFAR_STD[c] + CIFAR_MEAN[c]) * 255);

/**
 * Positions coded in the pixels (red = 8 x source column, green = 8 x source row, blue = 255), so that
 * the crop offsets and the flip of an augmented image can be read back from it.
 */
const coded = image((c, y, x) => (c === 0 ? 8 * x : c === 1 ? 8 * y : 255));

function drawAugmentation(random: SeededRandom): { dy: number; dx: number; flip: boolean } {
  const out = new Float32Array(IMAGE_BYTES);
  fillBatch(coded, [0], 0, 1, random, out, new Int32Array(1));
  // The centre pixel always comes from inside the image (offsets are at most 4).
  const sourceRow = pixelOf(out, 16, 16, 1) / 8;
  const sourceCol = pixelOf(out, 16, 16, 0) / 8;
  const flip = pixelOf(out, 16, 17, 0) / 8 < sourceCol; // flipped, the next column comes from the left
  return { dy: sourceRow - 16, dx: flip ? sourceCol - 15 : sourceCol - 16, flip };
}

describe('augmentation (RandomCrop(32, padding=4), RandomHorizontalFlip, Normalize)', () => {
  const N = 9000;
  const draws = (() => {
    const random = new SeededRandom(7);
    return Array.from({ length: N }, () => drawAugmentation(random));
  })();

  /** Pearson's chi-squared of counts against a uniform spread. */
  const chiSquared = (values: number[], categories: number[]) => {
    const expected = values.length / categories.length;
    return categories.reduce((sum, k) => sum + (values.filter((v) => v === k).length - expected) ** 2 / expected, 0);
  };
  const OFFSETS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
  /** The 0.1% critical value of chi-squared with 8 degrees of freedom. */
  const CHI2_8_P001 = 26.12;

  it('draws crop offsets uniformly over -4..4 on both axes', () => {
    expect(new Set(draws.map((d) => d.dy))).toEqual(new Set(OFFSETS));
    expect(new Set(draws.map((d) => d.dx))).toEqual(new Set(OFFSETS));
    expect(chiSquared(draws.map((d) => d.dy), OFFSETS)).toBeLessThan(CHI2_8_P001);
    expect(chiSquared(draws.map((d) => d.dx), OFFSETS)).toBeLessThan(CHI2_8_P001);
    // The two axes are drawn independently: every one of the 81 pairs occurs.
    expect(new Set(draws.map((d) => `${d.dy},${d.dx}`)).size).toBe(81);
  });

  it('flips half the time', () => {
    const flips = draws.filter((d) => d.flip).length;
    expect(Math.abs(flips - N / 2)).toBeLessThan(4 * Math.sqrt(N) / 2); // within 4 standard deviations
  });

  it('a crop at offset (dy, dx) is the window of the zero-padded image, mirrored when flipped, normalised', () => {
    // A random image, augmented with the same draws as the coded one.
    const noise = new SeededRandom(99);
    const picture = image(() => noise.nextInt(256));
    const padded = (c: number, y: number, x: number) => (y < 0 || y > 31 || x < 0 || x > 31 ? 0 : picture.images[c * 1024 + y * 32 + x]);
    const decode = new SeededRandom(3);
    const apply = new SeededRandom(3);
    let worst = 0;
    const seen = { dy: new Set<number>(), dx: new Set<number>(), flip: new Set<boolean>() };
    for (let i = 0; i < 100; i++) {
      const { dy, dx, flip } = drawAugmentation(decode);
      seen.dy.add(Math.sign(dy));
      seen.dx.add(Math.sign(dx));
      seen.flip.add(flip);
      const out = new Float32Array(IMAGE_BYTES);
      fillBatch(picture, [0], 0, 1, apply, out, new Int32Array(1));
      // torchvision: pad by 4, take the 32x32 window at (4 + dy, 4 + dx), then mirror it left to right.
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          for (let c = 0; c < 3; c++) {
            const windowX = flip ? 31 - x : x;
            worst = Math.max(worst, Math.abs(out[(y * 32 + x) * 3 + c] - normalise(padded(c, y + dy, windowX + dx), c)));
          }
    }
    // Shifts either way and none on both axes, flipped and not, were all checked.
    expect([seen.dy.size, seen.dx.size, seen.flip.size]).toEqual([3, 3, 2]);
    expect(worst).toBeLessThan(1e-5);
  });

  it("normalises with the framework's mean and std, and leaves images alone without augmentation", () => {
    expect(CIFAR_MEAN).toEqual([0.4914, 0.4822, 0.4465]);
    expect(CIFAR_STD).toEqual([0.2023, 0.1994, 0.201]);
    const out = new Float32Array(IMAGE_BYTES);
    const labels = new Int32Array(1);
    fillBatch(coded, [0], 0, 1, null, out, labels);
    expect(labels[0]).toBe(42);
    expect(out[0]).toBeCloseTo(normalise(0, 0), 6); // red at (0, 0): 0
    expect(out[(5 * 32 + 7) * 3 + 0]).toBeCloseTo(normalise(56, 0), 6); // red at (5, 7): 8 x 7
    expect(out[(5 * 32 + 7) * 3 + 1]).toBeCloseTo(normalise(40, 1), 6); // green: 8 x 5
    expect(out[(5 * 32 + 7) * 3 + 2]).toBeCloseTo(normalise(255, 2), 6); // blue: 255
  });
});
