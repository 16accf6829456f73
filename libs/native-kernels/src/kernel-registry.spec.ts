import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { kernelProviders, provideKernel, runNestedKernel, type KernelProvider } from './kernel-registry';

// Providers of one kernel are tried by rank, whichever was registered first: two registrations of the same
// providers in opposite orders, on two kernels of their own, dispatch alike.

/** x + 1000 for float32 only: declines the rest. */
const exact = (): KernelProvider => ({
  by: 'exact',
  rank: 2,
  kernelFunc: ({ inputs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    return x.dtype === 'float32' ? runNestedKernel('Add', { a: x, b: tf.scalar(1000) }) : undefined;
  },
});
/** x + 1 for tensors of rank 1: declines the rest. */
const fast = (): KernelProvider => ({
  by: 'fast',
  rank: 1,
  kernelFunc: ({ inputs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    return x.shape.length === 1 ? runNestedKernel('Add', { a: x, b: tf.scalar(1, x.dtype) }) : undefined;
  },
});

/** What a kernel answers for float32 and int32 inputs of rank 1 and 2. */
const answers = (kernelName: string) =>
  [
    tf.tensor1d([1, 2], 'float32'),
    tf.tensor1d([1, 2], 'int32'),
    tf.tensor2d([[1, 2]], [1, 2], 'float32'),
    tf.tensor2d([[1, 2]], [1, 2], 'int32'),
  ].map((x) => {
    try {
      return Array.from((tf.engine().runKernel(kernelName, { x }) as tf.Tensor).dataSync());
    } catch (error) {
      return (error as Error).message;
    }
  });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('kernel providers', () => {
  it('are tried by rank, not by the order they were registered in', () => {
    provideKernel({ kernelName: 'GradlabTestFirstOrder', backendName: 'cpu', ...exact() });
    provideKernel({ kernelName: 'GradlabTestFirstOrder', backendName: 'cpu', ...fast() });
    provideKernel({ kernelName: 'GradlabTestOtherOrder', backendName: 'cpu', ...fast() });
    provideKernel({ kernelName: 'GradlabTestOtherOrder', backendName: 'cpu', ...exact() });

    expect(kernelProviders('GradlabTestFirstOrder', 'cpu')).toEqual(['exact', 'fast']);
    expect(kernelProviders('GradlabTestOtherOrder', 'cpu')).toEqual(['exact', 'fast']);
    const expected = [
      [1001, 1002], // float32: exact first
      [2, 3], // int32 of rank 1: exact declines, fast takes it
      [1001, 1002],
      'cpu/GradlabTestFirstOrder: no kernel takes these arguments (exact, fast declined; the backend has none)',
    ];
    expect(answers('GradlabTestFirstOrder')).toEqual(expected);
    expect(answers('GradlabTestOtherOrder')).toEqual(
      expected.map((a) => (typeof a === 'string' ? a.replace('FirstOrder', 'OtherOrder') : a)),
    );
  });

  it("leave what they all decline to the backend's own kernel, and a second registration changes nothing", () => {
    provideKernel({ kernelName: 'Square', backendName: 'cpu', ...fast() });
    provideKernel({ kernelName: 'Square', backendName: 'cpu', ...fast() });
    expect(kernelProviders('Square', 'cpu')).toEqual(['fast', 'backend']);
    expect(Array.from(tf.square(tf.tensor1d([3])).dataSync())).toEqual([4]); // fast: 3 + 1
    expect(Array.from(tf.square(tf.tensor2d([[3]])).dataSync())).toEqual([9]); // declined: the backend squares
  });
});
