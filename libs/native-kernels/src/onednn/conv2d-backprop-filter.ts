import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadOneDnn } from '../onednn-addon';
import { consistent, convInfo, geometry, oneDnnConfig, run } from './onednn-conv';

/** Conv2D's filter gradient by oneDNN (its backward-weights primitive); the wasm backend has none of its own. */
export const conv2DBackpropFilterConfig = oneDnnConfig('Conv2DBackpropFilter', (args) => {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = convInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, dataFormat);
  if (!consistent(info)) return undefined;
  return run(args.backend as BackendWasm, filterShape, [x, dy], (views, out) =>
    loadOneDnn().conv2dBackpropFilter(views[0], views[1], out, geometry(info)),
  );
});
