import { provideKernel } from '@gradlab/native-kernels';
import { conv2DWebGpuConfig } from './webgpu-conv2d/conv2d';
import { conv2DBackpropFilterWebGpuConfig } from './webgpu-conv2d/conv2d-backprop-filter';
import { conv2DBackpropInputWebGpuConfig } from './webgpu-conv2d/conv2d-backprop-input';

export { probeExactFma, setWebGpuProductError, webGpuProductError } from './webgpu-conv2d/compensated-products';

/**
 * The webgpu backend's convolutions, replaced for what the coursework network runs (NHWC float32, stride 1,
 * no dilation; anything else is declined, to the backend's own), for two reasons:
 * - Precision. Its kernels sum each output's products in a plain float32 loop. In the plain VGG_38 the
 *   activations shrink layer by layer until some pre-activations are the near-total cancellation of their
 *   terms; a rounding then flips the sign of one, and with it the leaky_relu gradient (1 or 0.01) of that
 *   position: the VGG_38 parity fixture's first-stage weight gradients came out 2e-3 off (bound 1e-3), as the
 *   cpu backend's did before its Conv2D summed in float64. WGSL has no float64, so every sum here is
 *   compensated: each product exactly split by fma, added with Knuth's TwoSum, rounded once at the end.
 * - Parallelism. Its filter gradient gives each of the kh x kw x in x out outputs one thread that loops over
 *   the whole batch (102,400 products for a 32-filter layer at batch 100): 9,216 threads cannot fill a GPU.
 *   Here each image's share is a thread of its own, and a second pass adds the images' partial sums.
 */
export function registerWebGpuConvolutions(): void {
  for (const config of [conv2DWebGpuConfig, conv2DBackpropInputWebGpuConfig, conv2DBackpropFilterWebGpuConfig])
    provideKernel(config);
}
