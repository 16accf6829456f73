import type { SeededRandom } from '@gradlab/models';
import { IMAGE_BYTES, type ImageSet } from './image-set';

/** The framework's transforms.Normalize constants. */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465] as const;
export const CIFAR_STD = [0.2023, 0.1994, 0.201] as const;
const PAD = 4;

/**
 * Fills `out` (NHWC float32, batch x 32 x 32 x 3) with images `order[start..end)` of `set`, normalised as the
 * framework does. With augmentation: RandomCrop(32, padding=4) with zero padding in pixel space, then
 * RandomHorizontalFlip(p=0.5), both drawn from `random` in that order per image.
 */
export function fillBatch(set: ImageSet, order: ArrayLike<number>, start: number, end: number, random: SeededRandom | null, out: Float32Array, labels: Int32Array): void {
  const scale = [0, 1, 2].map((c) => 1 / (255 * CIFAR_STD[c]));
  const shift = [0, 1, 2].map((c) => CIFAR_MEAN[c] / CIFAR_STD[c]);
  for (let b = 0; b < end - start; b++) {
    const index = order[start + b];
    const src = index * IMAGE_BYTES;
    let offsetY = 0;
    let offsetX = 0;
    let flip = false;
    if (random) {
      offsetY = random.nextInt(2 * PAD + 1) - PAD;
      offsetX = random.nextInt(2 * PAD + 1) - PAD;
      flip = random.next() < 0.5;
    }
    labels[b] = set.labels[index];
    const dst = b * IMAGE_BYTES;
    for (let y = 0; y < 32; y++) {
      const sy = y + offsetY;
      for (let x = 0; x < 32; x++) {
        const sx0 = (flip ? 31 - x : x) + offsetX;
        const inside = sy >= 0 && sy < 32 && sx0 >= 0 && sx0 < 32;
        const o = dst + (y * 32 + x) * 3;
        for (let c = 0; c < 3; c++) {
          const pixel = inside ? set.images[src + c * 1024 + sy * 32 + sx0] : 0;
          out[o + c] = pixel * scale[c] - shift[c];
        }
      }
    }
  }
}
