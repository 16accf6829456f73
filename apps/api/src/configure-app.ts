import type { INestApplication } from '@nestjs/common';
import { raw } from 'express';
import type { AppConfig } from './config/app-config';
import { RedisIoAdapter } from './redis-io.adapter';

/** What every api instance needs beyond its module: route prefix, CORS, raw checkpoint bodies, socket.io. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  app.enableCors({ origin: true });
  app.use('/api/runs/:id/checkpoints', raw({ type: 'application/octet-stream', limit: config.checkpointLimit }));
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.queuePrefix));
}
