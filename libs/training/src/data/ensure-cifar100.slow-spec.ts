import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { readCifarPython } from './cifar-python';
import { ensureCifar100 } from './ensure-cifar100';

/** Debian's python3-numpy (installed by .ci/run) writes real pickles, as the CIFAR-100 distribution has. */
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/**
 * CIFAR-100 fetched on first use, against a local HTTP server that serves a small archive in the official
 * layout (cifar-100-python/train, test, meta as numpy pickles): right and wrong md5, a connection cut
 * halfway, two workers on one data directory, downloads turned off, and no server at all.
 */
describe('ensureCifar100 (a local mirror)', () => {
  let server: Server;
  let base: string;
  let archive: Buffer;
  let md5: string;
  const requests: string[] = [];

  beforeAll(async () => {
    if (!PYTHON) throw new Error('no python3 with numpy: install Debian python3-numpy (.ci/run does)');
    const src = mkdtempSync(path.join(tmpdir(), 'gradlab-mirror-'));
    mkdirSync(path.join(src, 'cifar-100-python'));
    execFileSync(PYTHON, [
      '-c',
      `import pickle, sys, numpy as np
d = sys.argv[1]
for name, n in (('train', 60), ('test', 20)):
    rng = np.random.default_rng(n)
    data = {b'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8), b'fine_labels': list(range(n))}
    pickle.dump(data, open(f'{d}/{name}', 'wb'), protocol=2)
pickle.dump({b'fine_label_names': [b'c%d' % i for i in range(100)]}, open(f'{d}/meta', 'wb'), protocol=2)`,
      path.join(src, 'cifar-100-python'),
    ]);
    const file = path.join(src, 'cifar-100-python.tar.gz');
    await create({ gzip: true, file, cwd: src }, ['cifar-100-python']);
    archive = readFileSync(file);
    md5 = createHash('md5').update(archive).digest('hex');
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/cifar-100-python.tar.gz') {
        // Slowly, in pieces, so that a second worker finds the first one downloading.
        res.writeHead(200, { 'content-length': archive.length });
        const pieces = 4;
        const size = Math.ceil(archive.length / pieces);
        let i = 0;
        const next = () => {
          if (i === pieces) return void res.end();
          res.write(archive.subarray(i * size, (i + 1) * size));
          i++;
          setTimeout(next, 150);
        };
        next();
      } else if (req.url === '/cut.tar.gz') {
        res.writeHead(200, { 'content-length': archive.length });
        res.write(archive.subarray(0, archive.length >> 1), () => res.socket?.destroy());
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server?.close(resolve)));

  const fresh = () => mkdtempSync(path.join(tmpdir(), 'gradlab-data-'));

  it('two workers on one fresh data directory: one download, md5 checked, progress to 100%, a readable dataset', async () => {
    const dataDir = fresh();
    const before = requests.length;
    const progress: (number | null)[][] = [[], []];
    const options = { download: true, url: `${base}/cifar-100-python.tar.gz`, md5 };
    // either may take the lock: the one that downloads reports its progress, the other waits for it
    await Promise.all(
      progress.map((reported) => ensureCifar100(dataDir, { ...options, onProgress: (f) => reported.push(f) })),
    );
    expect(requests.length - before).toBe(1);
    const downloader = progress.find((reported) => reported.some((f) => f !== null && f > 0 && f < 1));
    expect(downloader?.at(-1)).toBe(1);
    expect((await readCifarPython(path.join(dataDir, 'cifar-100-python', 'train'))).count).toBe(60);
    expect(readdirSync(dataDir)).toEqual(['cifar-100-python']); // no lock, no temporary files
    await ensureCifar100(dataDir, options); // there already: no download
    expect(requests.length - before).toBe(1);
  });

  it('a wrong md5, then a connection cut halfway: nothing half-written is left, and the next try succeeds', async () => {
    const dataDir = fresh();
    await expect(
      ensureCifar100(dataDir, { download: true, url: `${base}/cifar-100-python.tar.gz`, md5: '0'.repeat(32) }),
    ).rejects.toThrow(/cifar-100-python: missing, and it could not be downloaded \(.* is corrupt: md5 [0-9a-f]{32}, expected 0{32}\)/);
    expect(readdirSync(dataDir)).toEqual([]);
    await expect(ensureCifar100(dataDir, { download: true, url: `${base}/cut.tar.gz`, md5 })).rejects.toThrow(
      /could not be downloaded \(download of .*cut\.tar\.gz broke off/,
    );
    expect(readdirSync(dataDir)).toEqual([]);
    await ensureCifar100(dataDir, { download: true, url: `${base}/cifar-100-python.tar.gz`, md5 });
    expect(existsSync(path.join(dataDir, 'cifar-100-python', 'meta'))).toBe(true);
  });

  it('offline, or with DATASET_DOWNLOAD=false, fails naming the folder and what to do', async () => {
    const dataDir = fresh();
    const closed = `http://127.0.0.1:1/cifar-100-python.tar.gz`;
    await expect(ensureCifar100(dataDir, { download: true, url: closed })).rejects.toThrow(
      /data file .*cifar-100-python: missing, and it could not be downloaded \(download of http:\/\/127\.0\.0\.1:1\/cifar-100-python\.tar\.gz failed: .*\); run `npm run data:download`/,
    );
    const before = requests.length;
    await expect(ensureCifar100(dataDir, { download: false, url: `${base}/cifar-100-python.tar.gz` })).rejects.toThrow(
      /missing \(nor is there .*cifar-100-binary\), and DATASET_DOWNLOAD=false; run `npm run data:download`/,
    );
    expect(requests.length).toBe(before);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
