import { Parser } from 'pickleparser';
import { DataFileError, readDataFile } from '../errors';
import { CIFAR100_CLASSES, IMAGE_BYTES, type ImageSet } from './image-set';

/**
 * cifar-100-python/{train,test}: a pickled dict (protocol 2, written by Python 2) with `data`, a numpy uint8
 * array (N, 3072), and `fine_labels`. numpy arrays unpickle through numpy.core.multiarray._reconstruct and
 * __setstate__((version, shape, dtype, isFortran, rawData)); the classes are registered here. Python 2 writes
 * the raw data as a byte string, Python 3 (protocol 2) as _codecs.encode(text, 'latin1').
 */
class PickledNdArray {
  shape: number[] = [];
  dtype: PickledDType | null = null;
  data: Uint8Array = new Uint8Array();

  __setstate__(state: unknown[]): void {
    const [, shape, dtype, , raw] = state as [number, number[], PickledDType, boolean, Uint8Array | string];
    this.shape = shape;
    this.dtype = dtype;
    this.data = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  }
}

class PickledDType {
  constructor(readonly kind: string) {}
  __setstate__(): void {
    // byte order and the like: uint8 needs none of it
  }
}

const NUMPY_CORE_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray'];

function resolve(module: string, name: string): (...args: never[]) => unknown {
  if (NUMPY_CORE_MODULES.includes(module) && name === '_reconstruct') return () => new PickledNdArray();
  if (module === 'numpy' && name === 'ndarray') return () => new PickledNdArray();
  if (module === 'numpy' && name === 'dtype') return (kind: string) => new PickledDType(kind);
  if (module === '_codecs' && name === 'encode') return (text: string) => Buffer.from(text, 'latin1');
  throw new Error(`unexpected class ${module}.${name}`);
}

export async function readCifarPython(file: string, expectedCount?: number): Promise<ImageSet> {
  return parseCifarPython(file, await readDataFile(file), expectedCount);
}

export function parseCifarPython(file: string, buffer: Uint8Array, expectedCount?: number): ImageSet {
  let root: Record<string, unknown>;
  try {
    root = new Parser({ nameResolver: { resolve } as never }).parse<Record<string, unknown>>(buffer);
  } catch (error) {
    throw new DataFileError(file, `not a readable pickle (${(error as Error).message})`);
  }
  const data = root?.['data'];
  const fine = root?.['fine_labels'];
  if (!(data instanceof PickledNdArray)) throw new DataFileError(file, 'has no numpy array under "data"');
  if (!Array.isArray(fine)) throw new DataFileError(file, 'has no list under "fine_labels"');
  if (data.dtype && data.dtype.kind !== 'u1') throw new DataFileError(file, `"data" has dtype ${data.dtype.kind}, expected u1`);
  const [count, width] = data.shape;
  if (width !== IMAGE_BYTES || data.data.length !== count * IMAGE_BYTES) {
    throw new DataFileError(file, `"data" has shape (${data.shape.join(', ')}) and ${data.data.length} bytes, expected (N, ${IMAGE_BYTES})`);
  }
  if (fine.length !== count) throw new DataFileError(file, `has ${fine.length} labels for ${count} images`);
  if (expectedCount !== undefined && count !== expectedCount) throw new DataFileError(file, `holds ${count} images, expected ${expectedCount}`);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = fine[i];
    if (!Number.isInteger(label) || label < 0 || label >= CIFAR100_CLASSES) throw new DataFileError(file, `label ${i} is ${label}, outside 0..99`);
    labels[i] = label;
  }
  return { images: new Uint8Array(data.data.buffer, data.data.byteOffset, data.data.length), labels, count };
}
