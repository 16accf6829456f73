import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { redisConnectionFromUrl, RedisOutageLog } from '@gradlab/contracts';
import IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';

/** What a 503 for a Redis outage tells clients to wait before trying again. */
const REDIS_RETRY_AFTER_S = 5;

/**
 * The api's own Redis connections, for what is not a queue operation: cancel flags, rate windows, health
 * probes, and pub/sub between api instances (one subscriber connection shared by every channel).
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: IORedis;
  /** This process's one line when Redis goes away and one when it is back, for every client it holds. */
  readonly outages = new RedisOutageLog((line) => new Logger('Redis').warn(line));
  private subscriber?: IORedis;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(config: AppConfig) {
    this.client = new IORedis({
      ...redisConnectionFromUrl(config.redisUrl),
      maxRetriesPerRequest: 2,
      lazyConnect: false,
    });
    this.outages.watch(this.client); // also reported through health; ioredis reconnects by itself
  }

  /**
   * Before a write that needs the queue (a submission, a cancel): while Redis is down, 503 UNAVAILABLE with
   * Retry-After at once, before anything is written, instead of waiting on ioredis' reconnects.
   */
  ensureReady(what: string): void {
    if (this.client.status !== 'ready')
      throw new DomainError(
        'UNAVAILABLE',
        `the queue (Redis) cannot be reached just now, so ${what}; try again shortly`,
        undefined,
        REDIS_RETRY_AFTER_S,
      );
  }

  /** Calls `onMessage` for every message published on `channel`, by any api instance. */
  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.outages.watch(this.subscriber);
      this.subscriber.on('message', (from: string, message: string) => this.handlers.get(from)?.(message));
    }
    this.handlers.set(channel, onMessage);
    await this.subscriber.subscribe(channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}
