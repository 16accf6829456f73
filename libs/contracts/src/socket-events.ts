import type { DiagnosisDto } from './analysis';
import type { EpochDto, LayerGradientDto, RunDto, WorkersDto } from './runs';

/** socket.io: one room per run; a client joins with `subscribe` and receives that run's events. */
export const runRoom = (runId: string) => `run:${runId}`;
/** The room of the Workers page: every heartbeat sends the workers and the queue depth. */
export const WORKERS_ROOM = 'workers';

export interface ServerToClientEvents {
  'run.updated': (run: RunDto) => void;
  'epoch.completed': (payload: { runId: string; epoch: EpochDto; layers: LayerGradientDto[] }) => void;
  /** The run's diagnosis, recomputed after each stored epoch. */
  'run.diagnosis': (diagnosis: DiagnosisDto) => void;
  'run.progress': (payload: {
    runId: string;
    epoch: number;
    batch: number;
    batchesPerEpoch: number;
    epochElapsedMs?: number;
    preparing?: { what: string; fraction: number | null };
  }) => void;
  'workers.updated': (snapshot: WorkersDto) => void;
}

export interface ClientToServerEvents {
  subscribe: (payload: { runId: string }, ack?: (result: { ok: boolean; error?: string }) => void) => void;
  unsubscribe: (payload: { runId: string }) => void;
  'subscribe.workers': (ack?: (result: { ok: boolean; error?: string }) => void) => void;
}
