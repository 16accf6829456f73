import { DataFileError, readDataFile } from '../errors';
import { CIFAR100_CLASSES, IMAGE_BYTES, type ImageSet } from './image-set';

/** cifar-100-binary/{train,test}.bin: per record <coarse label byte><fine label byte><3072 pixel bytes>. */
export const BINARY_RECORD_BYTES = 2 + IMAGE_BYTES;

export async function readCifarBinary(file: string, expectedCount?: number): Promise<ImageSet> {
  return parseCifarBinary(file, await readDataFile(file), expectedCount);
}

export function parseCifarBinary(file: string, buffer: Uint8Array, expectedCount?: number): ImageSet {
  if (buffer.length === 0 || buffer.length % BINARY_RECORD_BYTES !== 0) {
    throw new DataFileError(file, `size ${buffer.length} bytes is not a whole number of ${BINARY_RECORD_BYTES}-byte records`);
  }
  const count = buffer.length / BINARY_RECORD_BYTES;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new DataFileError(file, `holds ${count} records, expected ${expectedCount}`);
  }
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const offset = i * BINARY_RECORD_BYTES;
    const fine = buffer[offset + 1];
    if (fine >= CIFAR100_CLASSES) throw new DataFileError(file, `record ${i} has fine label ${fine}, outside 0..99`);
    labels[i] = fine;
    images.set(buffer.subarray(offset + 2, offset + BINARY_RECORD_BYTES), i * IMAGE_BYTES);
  }
  return { images, labels, count };
}

/** Serialises images in the binary format; coarse labels are written as fine / 5 (synthetic data has none). */
export function encodeCifarBinary(set: ImageSet, coarseLabels?: Uint8Array): Buffer {
  const out = Buffer.alloc(set.count * BINARY_RECORD_BYTES);
  for (let i = 0; i < set.count; i++) {
    const offset = i * BINARY_RECORD_BYTES;
    out[offset] = coarseLabels ? coarseLabels[i] : Math.floor(set.labels[i] / 5);
    out[offset + 1] = set.labels[i];
    out.set(set.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), offset + 2);
  }
  return out;
}
