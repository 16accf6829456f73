import * as tf from '@tensorflow/tfjs-core';
import type { Network } from '@gradlab/models/tf';
import type { CheckpointTensor } from './checkpoint';
import { readTensors } from './training-state';

export interface BestEpoch {
  epoch: number;
  valAccuracy: number;
}

/**
 * The weights and batch-norm buffers of the best validation epoch so far, kept on the device: the test
 * metrics come from them, as the course framework's do. One owner for the copy: replaced when validation
 * improves, freed once.
 */
export class BestWeights {
  private kept: (BestEpoch & { tensors: Map<string, tf.Tensor> }) | null = null;

  /** The best epoch so far; null before the first. */
  get best(): BestEpoch | null {
    return this.kept && { epoch: this.kept.epoch, valAccuracy: this.kept.valAccuracy };
  }

  /** Keeps a copy of the network's weights when this validation accuracy beats the best so far; says whether it did. */
  offer(net: Network, epoch: number, valAccuracy: number): boolean {
    if (this.kept && !(valAccuracy > this.kept.valAccuracy)) return false; // NaN never improves
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, v] of [...net.params, ...net.buffers]) tensors.set(name, tf.clone(v));
    this.replace({ epoch, valAccuracy, tensors });
    return true;
  }

  /** A best checkpoint's tensors as the best so far (a resumed run). */
  adopt(best: BestEpoch, tensors: CheckpointTensor[]): void {
    this.replace({ ...best, tensors: new Map(tensors.map((t) => [t.name, tf.tensor(t.data, t.shape)])) });
  }

  /** Read off the device, for a best checkpoint. */
  read(): Promise<CheckpointTensor[]> {
    return readTensors(this.kept?.tensors ?? new Map());
  }

  /** Puts the best weights into the network (before the test evaluation). */
  restoreInto(net: Network): void {
    if (!this.kept) throw new Error('no epoch was trained');
    for (const [name, v] of [...net.params, ...net.buffers]) v.assign(this.kept.tensors.get(name) as tf.Tensor);
  }

  dispose(): void {
    this.replace(null);
  }

  private replace(next: typeof this.kept): void {
    if (this.kept) for (const t of this.kept.tensors.values()) t.dispose();
    this.kept = next;
  }
}
