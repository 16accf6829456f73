import { QUEUES, type RunEvent } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import type { RedisConnectionOptions } from '@gradlab/contracts';

/** Reports to the api through the `run-events` queue; the api persists and relays every event. */
export class RunEventsPublisher {
  private readonly queue: Queue;

  constructor(connection: RedisConnectionOptions, prefix: string) {
    this.queue = new Queue(QUEUES.runEvents, {
      connection,
      prefix,
      defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
    });
  }

  async publish(event: RunEvent): Promise<void> {
    await this.queue.add(event.type, event);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
