import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from '@gradlab/models';
import { encodeCifarBinary } from './cifar-binary';
import { CIFAR100_CLASSES, IMAGE_BYTES, type ImageSet } from './image-set';

/** Sizes of the synthetic dataset: enough to learn from in a few epochs, small enough for tests. */
export const SYNTHETIC_TRAIN_PER_CLASS = 50;
export const SYNTHETIC_TEST_PER_CLASS = 10;
const SYNTHETIC_SEED = 20_201_100;
// Bound once: a global lookup per pixel is slow in sandboxed contexts (Jest runs tests in vm contexts).
const { sin, round, max, min, PI } = Math;

/**
 * Deterministic, learnable images: each class has its own colour and stripe orientation and frequency,
 * drawn once from a fixed seed; each image adds a random phase and pixel noise. Same bytes on every machine.
 */
export function generateSyntheticSet(perClass: number, seedOffset: number): ImageSet {
  const classRandom = new SeededRandom(SYNTHETIC_SEED);
  const classes = Array.from({ length: CIFAR100_CLASSES }, () => ({
    colour: [classRandom.next(), classRandom.next(), classRandom.next()],
    angle: classRandom.next() * Math.PI,
    frequency: 1 + classRandom.nextInt(4),
  }));
  const random = new SeededRandom(SYNTHETIC_SEED + seedOffset);
  const count = perClass * CIFAR100_CLASSES;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % CIFAR100_CLASSES; // interleaved, so any prefix is balanced
    const c = classes[label];
    const phase = random.next() * 2 * Math.PI;
    const dx = Math.cos(c.angle);
    const dy = Math.sin(c.angle);
    labels[i] = label;
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const stripe = 0.5 + 0.5 * sin((2 * PI * c.frequency * (x * dx + y * dy)) / 32 + phase);
          const value = 255 * (0.6 * c.colour[ch] + 0.3 * stripe) + 40 * (random.next() - 0.5);
          images[i * IMAGE_BYTES + ch * 1024 + y * 32 + x] = max(0, min(255, round(value)));
        }
      }
    }
  }
  return { images, labels, count };
}

/**
 * Writes the synthetic dataset in CIFAR-100's binary format under `dir` (cifar-100-binary/{train,test}.bin)
 * unless it is there. Each file is written to a temporary name and renamed, so a concurrent or interrupted
 * writer never leaves a half-written file.
 */
export async function ensureSyntheticDataset(dir: string): Promise<{ train: string; test: string }> {
  const folder = path.join(dir, 'cifar-100-binary');
  const files = { train: path.join(folder, 'train.bin'), test: path.join(folder, 'test.bin') };
  await fs.mkdir(folder, { recursive: true });
  const write = async (file: string, perClass: number, seedOffset: number) => {
    if (await exists(file)) return;
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(tmp, encodeCifarBinary(generateSyntheticSet(perClass, seedOffset)));
    await fs.rename(tmp, file);
  };
  await write(files.train, SYNTHETIC_TRAIN_PER_CLASS, 1);
  await write(files.test, SYNTHETIC_TEST_PER_CLASS, 2);
  return files;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
