import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DataFileError } from '../errors';
import { downloadCifar100 } from './download-cifar100';

/** A download whose lock has not been touched for this long died with its worker: the lock is taken over. */
const STALE_LOCK_MS = 60_000;
const LOCK_TOUCH_MS = 5_000;
const LOCK_POLL_MS = 500;

export interface EnsureCifar100Options {
  /** DATASET_DOWNLOAD: false for clusters that stage the data by hand. */
  download: boolean;
  /** A mirror of the official archive (and its md5, when it serves another archive). */
  url?: string;
  md5?: string;
  log?: (line: string) => void;
  /** 0..1 while downloading (null while the size is unknown). */
  onProgress?: (fraction: number | null) => void;
}

const MISSING_HINT =
  "run `npm run data:download` on a machine with internet access and copy it to the workers' data directory";

/**
 * CIFAR-100 in `dataDir`, fetched on first use as torchvision does: the official archive (python version),
 * md5 checked and unpacked atomically (downloadCifar100). A lock file in `dataDir` makes workers that share
 * it download it once: the others wait for it. Offline, or with downloads off, the run fails naming the
 * folder and what to do.
 */
export async function ensureCifar100(dataDir: string, options: EnsureCifar100Options): Promise<void> {
  const pythonDir = path.join(dataDir, 'cifar-100-python');
  const binaryDir = path.join(dataDir, 'cifar-100-binary');
  const present = async () => (await isDirectory(pythonDir)) || (await isDirectory(binaryDir));
  if (await present()) return;
  if (!options.download)
    throw new DataFileError(pythonDir, `missing (nor is there ${binaryDir}), and DATASET_DOWNLOAD=false; ${MISSING_HINT}`);
  await fs.mkdir(dataDir, { recursive: true });
  const lock = path.join(dataDir, '.cifar-100-python.lock');
  for (;;) {
    if (await present()) return;
    const held = await fs.open(lock, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return null;
      throw error;
    });
    if (held) {
      await held.writeFile(`${hostname()} ${process.pid} ${new Date().toISOString()}\n`);
      await held.close();
      const touch = setInterval(() => void fs.utimes(lock, new Date(), new Date()).catch(() => undefined), LOCK_TOUCH_MS);
      try {
        if (await present()) return; // another worker finished between our check and the lock
        await downloadCifar100({
          dataDir,
          format: 'python',
          url: options.url,
          md5: options.md5,
          log: options.log,
          onProgress: options.onProgress,
        });
        return;
      } catch (error) {
        throw new DataFileError(
          pythonDir,
          `missing, and it could not be downloaded (${(error as Error).message}); ${MISSING_HINT}`,
        );
      } finally {
        clearInterval(touch);
        await fs.rm(lock, { force: true });
      }
    }
    // Another worker downloads it: wait for it, or take its lock over once it stops touching it.
    const since = await fs.stat(lock).then((s) => s.mtimeMs, () => null);
    if (since !== null && Date.now() - since > STALE_LOCK_MS) {
      options.log?.(`taking over the stale download lock ${lock}`);
      await fs.rm(lock, { force: true });
      continue;
    }
    options.onProgress?.(null);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}
