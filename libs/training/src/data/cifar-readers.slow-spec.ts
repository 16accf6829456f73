import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFileError } from '../errors';
import { encodeCifarBinary, parseCifarBinary, readCifarBinary, BINARY_RECORD_BYTES } from './cifar-binary';
import { readCifarPython } from './cifar-python';
import { generateSyntheticSet } from './synthetic';

const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-cifar-'));

/** Debian's python3-numpy (installed by .ci/run) writes real pickles, as the CIFAR-100 distribution has. */
function pythonWithNumpy(): string {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import numpy'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3 with numpy: install Debian python3-numpy (.ci/run does)');
}

describe('CIFAR-100 binary format', () => {
  it('round-trips images and fine labels', () => {
    const set = generateSyntheticSet(2, 9);
    const parsed = parseCifarBinary('x.bin', encodeCifarBinary(set));
    expect(parsed.count).toBe(200);
    expect(parsed.labels).toEqual(set.labels);
    expect(parsed.images).toEqual(set.images);
  });

  it('names a truncated file and a file with the wrong record count', async () => {
    const file = path.join(dir, 'train.bin');
    writeFileSync(file, Buffer.alloc(BINARY_RECORD_BYTES * 2 + 5));
    await expect(readCifarBinary(file)).rejects.toThrow(new DataFileError(file, `size ${BINARY_RECORD_BYTES * 2 + 5} bytes is not a whole number of 3074-byte records`));
    writeFileSync(file, Buffer.alloc(BINARY_RECORD_BYTES * 2));
    await expect(readCifarBinary(file, 50_000)).rejects.toThrow(`data file ${file}: holds 2 records, expected 50000`);
  });

  it('names a missing file', async () => {
    await expect(readCifarBinary(path.join(dir, 'absent.bin'))).rejects.toThrow(/absent\.bin: missing/);
  });

  it('rejects a label outside 0..99', () => {
    const bytes = encodeCifarBinary(generateSyntheticSet(1, 1));
    bytes[1] = 200;
    expect(() => parseCifarBinary('bad.bin', bytes)).toThrow('data file bad.bin: record 0 has fine label 200');
  });
});

describe('CIFAR-100 python format', () => {
  const python = pythonWithNumpy();
  const write = (file: string, script: string) => execFileSync(python, ['-c', script, file]);

  it('reads a protocol-2 pickle written by numpy', async () => {
    const file = path.join(dir, 'train');
    write(
      file,
      `import pickle, sys, numpy as np
rng = np.random.RandomState(0)
data = rng.randint(0, 256, size=(5, 3072)).astype(np.uint8)
d = {'data': data, 'fine_labels': [0, 99, 5, 5, 42], 'coarse_labels': [0, 19, 1, 1, 3], 'filenames': ['a'] * 5, 'batch_label': 'training batch 1 of 1'}
pickle.dump(d, open(sys.argv[1], 'wb'), protocol=2)
np.save(sys.argv[1] + '.npy', data)`,
    );
    const set = await readCifarPython(file);
    expect(set.count).toBe(5);
    expect([...set.labels]).toEqual([0, 99, 5, 5, 42]);
    const npy = readFileSync(`${file}.npy`);
    expect(Buffer.from(set.images)).toEqual(npy.subarray(npy.length - 5 * 3072));
  });

  it('names a file that is not a pickle, or has the wrong shape or count', async () => {
    const garbage = path.join(dir, 'garbage');
    writeFileSync(garbage, 'not a pickle at all');
    await expect(readCifarPython(garbage)).rejects.toThrow(`data file ${garbage}: not a readable pickle`);

    const wrongShape = path.join(dir, 'wrong-shape');
    write(wrongShape, `import pickle, sys, numpy as np
pickle.dump({'data': np.zeros((2, 10), np.uint8), 'fine_labels': [1, 2]}, open(sys.argv[1], 'wb'), protocol=2)`);
    await expect(readCifarPython(wrongShape)).rejects.toThrow(`data file ${wrongShape}: "data" has shape (2, 10)`);

    const few = path.join(dir, 'few');
    write(few, `import pickle, sys, numpy as np
pickle.dump({'data': np.zeros((2, 3072), np.uint8), 'fine_labels': [1, 2]}, open(sys.argv[1], 'wb'), protocol=2)`);
    await expect(readCifarPython(few, 50_000)).rejects.toThrow(`data file ${few}: holds 2 images, expected 50000`);
  });
});
