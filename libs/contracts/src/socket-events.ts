import type { EpochDto, LayerGradientDto, RunDto } from './runs';

/** socket.io: one room per run; a client joins with `subscribe` and receives that run's events. */
export const runRoom = (runId: string) => `run:${runId}`;

export interface ServerToClientEvents {
  'run.updated': (run: RunDto) => void;
  'epoch.completed': (payload: { runId: string; epoch: EpochDto; layers: LayerGradientDto[] }) => void;
  'run.progress': (payload: { runId: string; epoch: number; batch: number; batchesPerEpoch: number }) => void;
}

export interface ClientToServerEvents {
  subscribe: (payload: { runId: string }, ack?: (result: { ok: boolean; error?: string }) => void) => void;
  unsubscribe: (payload: { runId: string }) => void;
}
