import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadOneDnn } from '../onednn-addon';
import { consistent, convInfo, geometry, oneDnnConfig, run } from './onednn-conv';

/** Conv2D by oneDNN, forward. */
export const conv2DConfig = oneDnnConfig('Conv2D', (args) => {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
  const info = convInfo(x.shape, filter.shape, strides, dilations, pad, dimRoundingMode, dataFormat);
  if (!consistent(info)) return undefined;
  return run(args.backend as BackendWasm, info.outShape, [x, filter], (views, out) =>
    loadOneDnn().conv2dForward(views[0], views[1], out, geometry(info)),
  );
});
