import type { ServerToClientEvents, WorkersDto } from '@gradlab/contracts';
import type { RunEventName } from './run-events.pubsub';

/**
 * Where services send live events: the run's socket.io room and GraphQL subscribers on every api instance.
 * RunEventsGateway implements it (RunsModule binds the two), so services do not depend on socket.io.
 */
export abstract class LiveEventsPublisher {
  abstract emit<E extends RunEventName>(runId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void;
  abstract emitWorkers(snapshot: WorkersDto): void;
}
