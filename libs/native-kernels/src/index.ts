export { loadOneDnn, ONEDNN_INSTALL_HINT, type ConvGeometry, type OneDnnAddon } from './onednn-addon';
export { ONEDNN_KERNELS, registerOneDnnWasmKernels } from './wasm-onednn-kernels';
export {
  registerNativeAdamStep,
  registerNativeBatchNormKernels,
  registerNativeLeakyReluGrad,
  type BatchNormKernelNames,
} from './wasm-elementwise-kernels';
