import * as tf from '@tensorflow/tfjs-core';
import type { Network } from '@gradlab/models/tf';
import type { CheckpointTensor } from './checkpoint';
import type { TorchAdam } from './optim/torch-adam';

/**
 * What a latest checkpoint holds of a training run, by name: weights (`param:`), batch-norm running
 * statistics (`buffer:`) and Adam's moments (`adam.m:`, `adam.v:`). checkpoint.ts is the file format.
 */
function stateVariables(net: Network, optimizer: TorchAdam): Map<string, tf.Variable> {
  const named = new Map<string, tf.Variable>();
  for (const [name, v] of net.params) named.set(`param:${name}`, v);
  for (const [name, v] of net.buffers) named.set(`buffer:${name}`, v);
  for (const [name, v] of optimizer.m) named.set(`adam.m:${name}`, v);
  for (const [name, v] of optimizer.v) named.set(`adam.v:${name}`, v);
  return named;
}

/** The run's state, read off the device for a checkpoint. */
export function readTrainingState(net: Network, optimizer: TorchAdam): Promise<CheckpointTensor[]> {
  return readTensors(stateVariables(net, optimizer));
}

/** Puts a latest checkpoint's tensors back; every one must belong to this network, and none may be missing. */
export function restoreTrainingState(net: Network, optimizer: TorchAdam, tensors: CheckpointTensor[]): void {
  const targets = stateVariables(net, optimizer);
  for (const t of tensors) {
    const target = targets.get(t.name);
    if (!target) throw new Error(`checkpoint tensor ${t.name} does not belong to this network`);
    tf.tidy(() => target.assign(tf.tensor(t.data, target.shape)));
    targets.delete(t.name);
  }
  if (targets.size) throw new Error(`checkpoint lacks ${[...targets.keys()].slice(0, 3).join(', ')}`);
}

export function readTensors(named: Map<string, tf.Tensor>): Promise<CheckpointTensor[]> {
  return Promise.all(
    [...named].map(async ([name, t]) => ({ name, shape: t.shape, data: (await t.data()) as Float32Array })),
  );
}
