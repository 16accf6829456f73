import type { ServerToClientEvents } from '@gradlab/contracts';
import type { WorkersSnapshot } from '../workers/workers.service';
import type { RunEventName } from './run-events.pubsub';

/**
 * Where services send live events: the run's socket.io room and GraphQL subscribers. RunEventsGateway
 * implements it (RunsModule binds the two), so services do not depend on socket.io.
 */
export abstract class LiveEventsPublisher {
  /** To every api instance's clients: for what one instance took from the run-events queue. */
  abstract emit<E extends RunEventName>(runId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void;
  /** To this instance's own clients: for what every instance receives itself (progress, over pub/sub). */
  abstract emitHere<E extends RunEventName>(
    runId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void;
  /** The workers list, to this instance's staff clients, each as they may see it: every instance hears each heartbeat. */
  abstract emitWorkersHere(snapshot: WorkersSnapshot): void;
}
