export {
  kernelProviders,
  gradlabKernelConfig,
  provideKernel,
  runNestedKernel,
  type KernelArgs,
  type KernelProvider,
  type ProvidedKernelConfig,
} from './kernel-registry';
export { loadOneDnn, ONEDNN_INSTALL_HINT, type ConvGeometry, type OneDnnAddon } from './onednn-addon';
export { ONEDNN_KERNELS, registerOneDnnWasmKernels } from './wasm-onednn-kernels';
export {
  registerNativeAdamStep,
  registerNativeBatchNormKernels,
  registerNativeLeakyReluGrad,
} from './wasm-elementwise-kernels';
