import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadOneDnn } from '../onednn-addon';
import { consistent, convInfo, geometry, oneDnnConfig, run } from './onednn-conv';

/** Conv2D's input gradient by oneDNN (its backward-data primitive). */
export const conv2DBackpropInputConfig = oneDnnConfig('Conv2DBackpropInput', (args) => {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = convInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, dataFormat);
  if (!consistent(info)) return undefined;
  return run(args.backend as BackendWasm, inputShape, [dy, filter], (views, out) =>
    loadOneDnn().conv2dBackpropInput(views[0], views[1], out, geometry(info)),
  );
});
