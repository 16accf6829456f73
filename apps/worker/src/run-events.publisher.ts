import {
  isLiveOnlyEvent,
  QUEUES,
  workerLiveChannel,
  type RedisConnectionOptions,
  type RunEvent,
} from '@gradlab/contracts';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';

/**
 * Reports to the api: what must not be lost (epochs, status, results) through the durable `run-events`
 * queue, which the api persists and relays; progress and heartbeats over Redis pub/sub, to every api
 * instance, since the next one replaces a missed one within seconds.
 */
export class RunEventsPublisher {
  /** BullMQ's queue of run events (its errors are the caller's to hear). */
  readonly queue: Queue;
  private readonly liveChannel: string;

  constructor(
    connection: RedisConnectionOptions,
    prefix: string,
    private readonly redis: Pick<IORedis, 'publish'>,
  ) {
    this.queue = new Queue(QUEUES.runEvents, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    });
    this.liveChannel = workerLiveChannel(prefix);
  }

  async publish(event: RunEvent): Promise<void> {
    if (isLiveOnlyEvent(event)) await this.redis.publish(this.liveChannel, JSON.stringify(event));
    else await this.queue.add(event.type, event);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
