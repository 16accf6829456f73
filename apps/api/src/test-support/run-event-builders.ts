import {
  RUN_EVENT_VERSION,
  type EpochCompletedEvent,
  type LayerGradientStat,
  type WorkerHeartbeatEvent,
} from '@gradlab/contracts';

/** An epoch.completed event as a worker sends it, with plain numbers wherever the caller gives none. */
export function epochCompletedEvent(
  runId: string,
  epoch: number,
  fields: Partial<Omit<EpochCompletedEvent, 'v' | 'type' | 'runId' | 'epoch'>> = {},
): EpochCompletedEvent {
  return {
    v: RUN_EVENT_VERSION,
    type: 'epoch.completed',
    runId,
    at: new Date().toISOString(),
    epoch,
    totalEpochs: 3,
    trainLoss: 4,
    trainAccuracy: 0.1,
    valLoss: 4,
    valAccuracy: 0.1,
    learningRate: 1e-3,
    durationMs: 1,
    layers: [],
    ...fields,
  };
}

/** Weight layer `i`'s gradient statistics (a conv layer named after its index), with the caller's numbers. */
export function layerStat(i: number, fields: Partial<LayerGradientStat> = {}): LayerGradientStat {
  return {
    layerIndex: i,
    name: `layer_dict.conv_${i}.weight`,
    shortName: `conv_${i}`,
    kind: 'conv',
    meanAbs: 0.01,
    lastBatchMeanAbs: 0.01,
    l2: 1,
    maxAbs: 1,
    nonFiniteCount: 0,
    weightL2: 1,
    updateRatio: 1e-3,
    ...fields,
  };
}

/** A worker's heartbeat, sent now unless `at` says otherwise. */
export function workerHeartbeat(
  workerId: string,
  fields: Partial<Omit<WorkerHeartbeatEvent, 'v' | 'type' | 'workerId'>> = {},
): WorkerHeartbeatEvent {
  return {
    v: RUN_EVENT_VERSION,
    type: 'worker.heartbeat',
    at: new Date().toISOString(),
    workerId,
    host: 'host',
    backend: 'wasm',
    runId: null,
    ...fields,
  };
}
