import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { redisConnectionFromUrl } from '@gradlab/contracts';
import IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** The api's own Redis connection, for what is not a queue operation: cancel flags and health probes. */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: IORedis;

  constructor(config: AppConfig) {
    this.client = new IORedis({ ...redisConnectionFromUrl(config.redisUrl), maxRetriesPerRequest: 2, lazyConnect: false });
    this.client.on('error', () => undefined); // reported through health; ioredis reconnects by itself
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
