/**
 * How many compute dispatches `work` records on the webgpu backend: every dispatchWorkgroups call of Dawn's
 * compute pass encoders while it runs (the backend must have started, which puts Dawn's classes on globalThis).
 */
export async function countDispatches(work: () => Promise<void>): Promise<number> {
  const encoder = (
    globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups(...args: unknown[]): void } } }
  ).GPUComputePassEncoder;
  if (!encoder) throw new Error('countDispatches: the webgpu backend has not started');
  const original = encoder.prototype.dispatchWorkgroups;
  let count = 0;
  encoder.prototype.dispatchWorkgroups = function (...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    encoder.prototype.dispatchWorkgroups = original;
  }
  return count;
}
