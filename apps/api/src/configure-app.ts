import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { raw } from 'express';
import type { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './docs/openapi-document';
import { RedisIoAdapter } from './redis-io.adapter';

/**
 * What every api instance needs beyond its module: route prefix, CORS, raw checkpoint bodies, socket.io,
 * and the OpenAPI document (Swagger UI at /api/docs, JSON at /api/docs-json).
 */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  app.enableCors({ origin: true });
  app.use('/api/runs/:id/checkpoints', raw({ type: 'application/octet-stream', limit: config.checkpointLimit }));
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.queuePrefix));
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(), { jsonDocumentUrl: 'api/docs-json' });
}
