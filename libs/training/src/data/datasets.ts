import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DataConfig } from '@gradlab/contracts';
import { SeededRandom } from '@gradlab/models';
import { DataFileError } from '../errors';
import { readCifarBinary } from './cifar-binary';
import { readCifarPython } from './cifar-python';
import { subset, type ImageSet } from './image-set';
import { ensureSyntheticDataset } from './synthetic';

export const CIFAR100_TRAIN_COUNT = 50_000;
export const CIFAR100_TEST_COUNT = 10_000;
/** The framework keeps 2,500 of the 50,000 training images for validation (47,500 / 2,500). */
export const VALIDATION_FRACTION = 2_500 / 50_000;

export interface Splits {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
}

/**
 * Reads the train and test files of the configured dataset from `dataDir`: CIFAR-100's python version
 * (cifar-100-python/) if present, else its binary version (cifar-100-binary/); the synthetic dataset is
 * generated under dataDir/synthetic on first use. Splits validation off the train file with the run's seed.
 */
export async function loadSplits(data: DataConfig, dataDir: string, seed: number): Promise<Splits> {
  const { train, test } = data.dataset === 'synthetic' ? await readSynthetic(dataDir) : await readCifar100(dataDir);
  const order = new SeededRandom(seed ^ 0x5eed).permutation(train.count);
  const valCount = Math.round(train.count * VALIDATION_FRACTION);
  const trainCount = train.count - valCount;
  const take = (indices: Uint32Array, limit: number | undefined) => (limit !== undefined && limit < indices.length ? indices.subarray(0, limit) : indices);
  return {
    train: subset(train, take(order.subarray(0, trainCount), data.trainLimit)),
    val: subset(train, take(order.subarray(trainCount), data.valLimit)),
    test: data.testLimit !== undefined && data.testLimit < test.count ? subset(test, range(data.testLimit)) : test,
  };
}

async function readSynthetic(dataDir: string) {
  const files = await ensureSyntheticDataset(path.join(dataDir, 'synthetic'));
  return { train: await readCifarBinary(files.train), test: await readCifarBinary(files.test) };
}

async function readCifar100(dataDir: string) {
  const pythonDir = path.join(dataDir, 'cifar-100-python');
  if (await isDirectory(pythonDir)) {
    return {
      train: await readCifarPython(path.join(pythonDir, 'train'), CIFAR100_TRAIN_COUNT),
      test: await readCifarPython(path.join(pythonDir, 'test'), CIFAR100_TEST_COUNT),
    };
  }
  const binaryDir = path.join(dataDir, 'cifar-100-binary');
  if (await isDirectory(binaryDir)) {
    return {
      train: await readCifarBinary(path.join(binaryDir, 'train.bin'), CIFAR100_TRAIN_COUNT),
      test: await readCifarBinary(path.join(binaryDir, 'test.bin'), CIFAR100_TEST_COUNT),
    };
  }
  throw new DataFileError(pythonDir, `missing (nor is there ${binaryDir}); run \`npm run data:download\` on a machine with internet access and copy it to the workers' data directory`);
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function range(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
