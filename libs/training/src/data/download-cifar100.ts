import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';

/** The official distribution files and their published md5 sums. */
export const CIFAR100_SOURCES = {
  python: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz', md5: 'eb9058c3a382ffc7106e4002c42a8d85', folder: 'cifar-100-python', files: ['train', 'test', 'meta'] },
  binary: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8', folder: 'cifar-100-binary', files: ['train.bin', 'test.bin'] },
} as const;
export type Cifar100Format = keyof typeof CIFAR100_SOURCES;

export interface DownloadOptions {
  dataDir: string;
  format: Cifar100Format;
  /** Override the address (a mirror); the md5 must then match the archive served there. */
  url?: string;
  md5?: string;
  log?: (line: string) => void;
  /** The fraction downloaded so far, as chunks arrive (null while the size is unknown). */
  onProgress?: (fraction: number | null) => void;
}

/**
 * Downloads a CIFAR-100 archive, checks its md5 while streaming, extracts it into a temporary folder and
 * moves the dataset folder into `dataDir` only when every expected file is there: a failed or interrupted
 * download leaves nothing behind. Returns the dataset folder.
 */
export async function downloadCifar100(options: DownloadOptions): Promise<string> {
  const source = CIFAR100_SOURCES[options.format];
  const url = options.url ?? source.url;
  const expectedMd5 = (options.md5 ?? source.md5).toLowerCase();
  const log = options.log ?? (() => undefined);
  const target = path.join(options.dataDir, source.folder);
  await fs.mkdir(options.dataDir, { recursive: true });
  const work = await fs.mkdtemp(path.join(options.dataDir, `.download-${options.format}-`));
  try {
    const archive = path.join(work, 'archive.tar.gz');
    log(`downloading ${url}`);
    const response = await fetch(url).catch((error: Error & { cause?: Error }) => {
      throw new Error(`download of ${url} failed: ${error.cause?.message ?? error.message}`);
    });
    if (!response.ok || !response.body) throw new Error(`download of ${url} failed: HTTP ${response.status}`);
    const hash = createHash('md5');
    const body = Readable.fromWeb(response.body as never);
    const size = Number(response.headers.get('content-length')) || null;
    let received = 0;
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      options.onProgress?.(size ? Math.min(1, received / size) : null);
    });
    await pipeline(body, createWriteStream(archive)).catch((error: Error) => {
      throw new Error(`download of ${url} broke off after ${received} bytes: ${error.message}`);
    });
    if (size !== null && received !== size)
      throw new Error(`download of ${url} broke off after ${received} of ${size} bytes`);
    const md5 = hash.digest('hex');
    if (md5 !== expectedMd5) throw new Error(`download of ${url} is corrupt: md5 ${md5}, expected ${expectedMd5}`);
    log(`md5 ${md5} verified; extracting`);

    const extracted = path.join(work, 'extracted');
    await fs.mkdir(extracted);
    await extract({ file: archive, cwd: extracted });
    for (const file of source.files) {
      const stat = await fs.stat(path.join(extracted, source.folder, file)).catch(() => null);
      if (!stat?.isFile()) throw new Error(`archive ${url} has no ${source.folder}/${file}`);
    }
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(path.join(extracted, source.folder), target);
    log(`CIFAR-100 (${options.format}) ready in ${target}`);
    return target;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
