import { Module } from '@nestjs/common';
import { LiveEventsPublisher } from './live-events.publisher';
import { RunEventsGateway } from './run-events.gateway';
import { RunEventsPubSub } from './run-events.pubsub';

/**
 * What browsers and GraphQL subscriptions follow live: the socket.io gateway (rooms per run, per key and for
 * staff's worker list) and the GraphQL subscriptions' pub/sub over Redis.
 */
@Module({
  providers: [
    RunEventsGateway,
    RunEventsPubSub,
    // Services publish live events through this; the socket.io gateway is what sends them.
    { provide: LiveEventsPublisher, useExisting: RunEventsGateway },
  ],
  exports: [LiveEventsPublisher, RunEventsPubSub],
})
export class LiveEventsModule {}
