import { spawnSync } from 'node:child_process';
import path from 'node:path';

// In a process of its own: the pool's threads live as long as the process, and whether they let it end by
// itself is part of what is checked.
const script = `
const tf = require('@tensorflow/tfjs-core');
const { selectBackend, wasmThreadCount } = require('@gradlab/training');
const seq = (n, salt) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt));
async function gradients(backend, threads) {
  await selectBackend(backend, undefined, { wasmThreads: threads });
  const x = tf.tensor4d(seq(16 * 32 * 32 * 16, 1), [16, 32, 32, 16]);
  const w = tf.tensor4d(seq(3 * 3 * 16 * 24, 2), [3, 3, 16, 24]);
  const [dx, dw] = tf.grads((a, b) => tf.sum(tf.square(tf.conv2d(a, b, 1, 'same'))))([x, w]);
  return [await dx.data(), await dw.data()];
}
(async () => {
  const wasm = await gradients('wasm', 2);
  const threads = wasmThreadCount();
  const cpu = await gradients('cpu');
  let error = 0;
  cpu.forEach((expected, k) => {
    const scale = expected.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
    expected.forEach((e, i) => (error = Math.max(error, Math.abs(wasm[k][i] - e) / scale)));
  });
  console.log(JSON.stringify({ threads, error }));
})();
`;

describe('wasm backend with threads', () => {
  it('runs XNNPACK on the threads asked for, agrees with the cpu backend, and lets the process end by itself', () => {
    const root = path.resolve(__dirname, '../../../..');
    const child = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.error).toBeUndefined(); // a timeout (the threads holding the process open) would show here
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { threads: number; error: number };
    expect(result.threads).toBe(2);
    expect(result.error).toBeLessThan(1e-5);
  }, 90_000);
});
