import { loadOneDnn, type ConvGeometry } from './onednn-addon';

// bindings.cc checks every argument before a kernel sees it: a wrong count, type, size or scalar throws an
// error naming the function and the argument, where an unchecked one would read past a tensor or crash the
// process. Called the way a bug in the TypeScript around it would call them (hence the casts).
const addon = loadOneDnn() as unknown as Record<string, (...args: unknown[]) => unknown>;
const floats = (n: number) => new Float32Array(n);
/** What a call threw: its class's name (the addon's errors come from another realm than Jest's) and message. */
function thrown(call: () => unknown): { name: string; message: string } | 'nothing' {
  try {
    call();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  return 'nothing';
}
// a 1x4x4x2 input, a 3x3 filter to 3 channels, 'same' padding
const GEOMETRY: ConvGeometry = [1, 4, 4, 2, 3, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1];

describe('the addon checks its arguments', () => {
  it('runs a call whose arguments are right', () => {
    expect(typeof addon.conv2dForward(floats(32), floats(54), floats(48), GEOMETRY)).toBe('string');
    const dx = floats(6);
    addon.leakyReluGrad(Float32Array.of(1, 1, 1, 1, 1, 1), Float32Array.of(-1, 2, -3, 4, -5, 6), dx, 0.2);
    expect([...dx]).toEqual([0.2, 1, 0.2, 1, 0.2, 1].map(Math.fround));
  });

  it('names the function, its signature and the count when the count is wrong', () => {
    expect(thrown(() => addon.leakyReluGrad(floats(4), floats(4), floats(4)))).toEqual({
      name: 'TypeError',
      message: 'leakyReluGrad(dy, x, dx, alpha): expected 4 arguments, got 3',
    });
    expect(thrown(() => addon.version(1))).toEqual({
      name: 'TypeError',
      message: 'version(): expected 0 arguments, got 1',
    });
  });

  it.each([
    [
      'a buffer of another type',
      () => addon.batchNormMoments(new Float64Array(12), floats(6), 3),
      'TypeError',
      'batchNormMoments(x, moments, channels): argument 1 (x): expected a Float32Array, got a Float64Array',
    ],
    [
      'a buffer of the wrong size',
      () => addon.batchNormMoments(floats(12), floats(5), 3),
      'RangeError',
      'batchNormMoments(x, moments, channels): argument 2 (moments): expected 6 elements, got 5',
    ],
    [
      'rows cut short',
      () => addon.batchNormMoments(floats(13), floats(6), 3),
      'RangeError',
      'batchNormMoments(x, moments, channels): argument 1 (x): expected rows of 3 elements, got 13 elements',
    ],
    [
      'a scalar that is not a number',
      () => addon.leakyReluGrad(floats(4), floats(4), floats(4), '0.2'),
      'TypeError',
      'leakyReluGrad(dy, x, dx, alpha): argument 4 (alpha): expected a number, got a string',
    ],
    [
      'a scalar that is not finite',
      () => addon.batchNormNormalize(floats(6), floats(6), floats(3), floats(3), floats(6), 3, Number.NaN),
      'RangeError',
      'batchNormNormalize(x, moments, gamma, beta, y, channels, epsilon): argument 7 (epsilon): expected a finite number',
    ],
    [
      'a count that is not a whole number',
      () => addon.batchNormMoments(floats(12), floats(6), 2.5),
      'RangeError',
      'batchNormMoments(x, moments, channels): argument 3 (channels): expected a whole number from 1, got 2.5',
    ],
    [
      'a flag that is not a boolean',
      () => addon.batchNormGradSum(floats(6), floats(6), floats(6), floats(3), 3, 1e-5, 1),
      'TypeError',
      'batchNormGradSum(dy, x, moments, out, channels, epsilon, gamma): argument 7 (gamma): expected a boolean, got a number',
    ],
    [
      "Adam's constants short",
      () =>
        addon.adamStep(
          floats(2),
          floats(2),
          floats(2),
          floats(2),
          floats(2),
          floats(2),
          floats(2),
          new Float64Array(7),
        ),
      'RangeError',
      'adamStep(param, m, v, grad, newM, newV, newParam, constants): argument 8 (constants): expected 8 numbers, got 7',
    ],
    [
      'a geometry that is not one',
      () => addon.conv2dForward(floats(32), floats(54), floats(48), GEOMETRY.slice(0, 16)),
      'RangeError',
      'conv2dForward(x, filter, y, geometry): argument 4 (geometry): expected 17 numbers, got 16',
    ],
    [
      'a geometry with a stride of 0',
      () =>
        addon.conv2dForward(
          floats(32),
          floats(54),
          floats(48),
          GEOMETRY.map((v, i) => (i === 9 ? 0 : v)),
        ),
      'RangeError',
      'conv2dForward(x, filter, y, geometry): argument 4 (geometry): item 9: expected a whole number from 1, got 0',
    ],
    [
      'an output that does not fit the geometry',
      () => addon.conv2dBackpropFilter(floats(32), floats(48), floats(53), GEOMETRY),
      'RangeError',
      'conv2dBackpropFilter(x, dy, dfilter, geometry): argument 3 (dfilter): expected 54 elements, got 53',
    ],
    [
      'threads that are none',
      () => addon.setThreads(0),
      'RangeError',
      'setThreads(threads): argument 1 (threads): expected a whole number from 1, got 0',
    ],
  ])('refuses %s', (_what, call, name, message) => {
    expect(thrown(call)).toEqual({ name, message });
  });
});
