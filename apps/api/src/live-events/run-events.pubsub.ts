import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ServerToClientEvents } from '@gradlab/contracts';
import { PubSub } from 'graphql-subscriptions';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

export type RunEventName = 'run.updated' | 'epoch.completed' | 'run.progress' | 'run.diagnosis';
export interface RunLiveEvent<E extends RunEventName = RunEventName> {
  runId: string;
  event: E;
  payload: Parameters<ServerToClientEvents[E]>[0];
}

/**
 * Run events for GraphQL subscriptions. A run's events are persisted by whichever api instance took them
 * from the queue, so they travel through Redis pub/sub to every instance, where a local PubSub hands them
 * to that instance's subscribers.
 */
@Injectable()
export class RunEventsPubSub implements OnModuleInit {
  private readonly local = new PubSub();
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:run-live-events`;
  }

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(this.channel, (message) => {
      const event = JSON.parse(message) as RunLiveEvent;
      void this.local.publish(topic(event.runId), event);
    });
  }

  /** To the subscribers of every api instance. */
  publish(event: RunLiveEvent): void {
    void this.redis.client.publish(this.channel, JSON.stringify(event)).catch(() => undefined);
  }

  /** To this instance's subscribers only: for an event every instance receives itself. */
  publishHere(event: RunLiveEvent): void {
    void this.local.publish(topic(event.runId), event);
  }

  iterator(runId: string): AsyncIterableIterator<RunLiveEvent> {
    return this.local.asyncIterableIterator<RunLiveEvent>(topic(runId));
  }
}

const topic = (runId: string) => `run:${runId}`;
