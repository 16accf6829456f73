import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

describe("the api's module graph", () => {
  it('loads no TensorFlow.js: the network is described without it, and only workers build it', () => {
    // In a process of its own, as `npm start` loads it (the test runner has its own module registry).
    const script = `
      require('reflect-metadata');
      require('./apps/api/src/app.module');
      require('./apps/api/src/configure-app');
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({ total: loaded.length, tensorflow: loaded.filter((file) => file.includes('@tensorflow')) }));`;
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test' },
    }).toString();
    const { total, tensorflow } = JSON.parse(out.trim().split('\n').pop() as string) as {
      total: number;
      tensorflow: string[];
    };
    expect(total).toBeGreaterThan(100); // the api's modules really were loaded
    expect(tensorflow).toEqual([]);
  }, 60_000);

  it('a worker does load it', () => {
    const script = `require('./libs/training/src/train-run'); console.log(String(Object.keys(require.cache).some((file) => file.includes('@tensorflow/tfjs-core'))));`;
    expect(
      execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT })
        .toString()
        .trim()
        .split('\n')
        .pop(),
    ).toBe('true');
  }, 60_000);
});
