import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { json, raw, type NextFunction, type Request, type Response } from 'express';
import type { ErrorDto } from '@gradlab/contracts';
import type { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './docs/openapi-document';
import { refuseNulBytes } from './common/refuse-nul-bytes';
import { RedisIoAdapter } from './redis-io.adapter';

/**
 * What every api instance needs beyond its module: route prefix, CORS, raw checkpoint bodies, socket.io,
 * and the OpenAPI document (Swagger UI at /api/docs, JSON at /api/docs-json).
 */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  // Browsers send the dashboard's session cookie to the api (another port of the same site); only the
  // dashboard's own pages may make them do so.
  app.enableCors({ origin: config.webOrigins, credentials: true });
  app.use('/api/runs/:id/checkpoints', raw({ type: 'application/octet-stream', limit: config.checkpointLimit }));
  app.use(json({ limit: config.bodyLimit }));
  app.use(bodyParserErrors);
  app.use(refuseNulBytes);
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.queuePrefix, config.webOrigins));
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(), { jsonDocumentUrl: 'api/docs-json' });
}

/** A body too large or not JSON answers like every other error: an ErrorDto with a clear message. */
function bodyParserErrors(
  error: { status?: number; type?: string; limit?: number } | undefined,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (!error) return next();
  const tooLarge = error.type === 'entity.too.large';
  const body: ErrorDto = tooLarge
    ? { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: `request body larger than the limit of ${error.limit} bytes` }
    : { statusCode: error.status ?? 400, code: 'BAD_REQUEST', message: `request body is not valid JSON` };
  response.status(body.statusCode).json(body);
}
