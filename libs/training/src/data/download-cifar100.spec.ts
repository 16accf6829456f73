import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { encodeCifarBinary } from './cifar-binary';
import { readCifarBinary } from './cifar-binary';
import { downloadCifar100 } from './download-cifar100';
import { generateSyntheticSet } from './synthetic';

describe('downloadCifar100 (against a local HTTP server)', () => {
  let server: Server;
  let base: string;
  let archive: Buffer;

  beforeAll(async () => {
    // a real tar.gz in the distribution's layout, small images in CIFAR's binary format
    const src = mkdtempSync(path.join(tmpdir(), 'gradlab-archive-'));
    mkdirSync(path.join(src, 'cifar-100-binary'));
    writeFileSync(path.join(src, 'cifar-100-binary', 'train.bin'), encodeCifarBinary(generateSyntheticSet(2, 1)));
    writeFileSync(path.join(src, 'cifar-100-binary', 'test.bin'), encodeCifarBinary(generateSyntheticSet(1, 2)));
    const file = path.join(src, 'archive.tar.gz');
    await create({ gzip: true, file, cwd: src }, ['cifar-100-binary']);
    archive = readFileSync(file);
    server = createServer((req, res) => {
      if (req.url === '/cifar-100-binary.tar.gz') res.end(archive);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('downloads, checks the md5, extracts, and leaves a readable dataset', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-dl-'));
    const md5 = createHash('md5').update(archive).digest('hex');
    const folder = await downloadCifar100({ dataDir, format: 'binary', url: `${base}/cifar-100-binary.tar.gz`, md5 });
    expect(folder).toBe(path.join(dataDir, 'cifar-100-binary'));
    expect((await readCifarBinary(path.join(folder, 'train.bin'))).count).toBe(200);
    expect(readdirSync(dataDir)).toEqual(['cifar-100-binary']); // no temporary files left
  });

  it('refuses an archive whose md5 differs, leaving nothing behind', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-dl-'));
    await expect(downloadCifar100({ dataDir, format: 'binary', url: `${base}/cifar-100-binary.tar.gz`, md5: '0'.repeat(32) })).rejects.toThrow(/is corrupt: md5 [0-9a-f]{32}, expected 0{32}/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('names the address that failed', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-dl-'));
    await expect(downloadCifar100({ dataDir, format: 'binary', url: `${base}/missing.tar.gz` })).rejects.toThrow(`download of ${base}/missing.tar.gz failed: HTTP 404`);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses an archive without the expected files', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-dl-'));
    const md5 = createHash('md5').update(archive).digest('hex');
    await expect(downloadCifar100({ dataDir, format: 'python', url: `${base}/cifar-100-binary.tar.gz`, md5 })).rejects.toThrow(/has no cifar-100-python\/train/);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
