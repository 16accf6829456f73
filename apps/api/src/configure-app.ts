import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { json, raw, type NextFunction, type Request, type Response } from 'express';
import type { ErrorDto } from '@gradlab/contracts';
import type { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './docs/openapi-document';
import { LoadShedder } from './common/load-shedder';
import { JsonBodyRefused, PrototypeKeyRefused, refuseDeepJson, refusePrototypeKeys } from './common/json-body-guard';
import { refuseNulBytes } from './common/refuse-nul-bytes';
import { refuseRepeatedQueryParameters } from './common/refuse-repeated-query-parameters';
import { RedisIoAdapter } from './redis-io.adapter';
import { RedisService } from './redis/redis.service';

/**
 * What every api instance needs beyond its module: route prefix, CORS, raw checkpoint bodies, socket.io,
 * and the OpenAPI document (Swagger UI at /api/docs, JSON at /api/docs-json).
 */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  // Browsers send the dashboard's session cookie to the api (another port of the same site); only the
  // dashboard's own pages may make them do so.
  // retry-after is exposed so that the dashboard's client can wait as an overloaded api asks.
  app.enableCors({ origin: config.webOrigins, credentials: true, exposedHeaders: ['retry-after'] });
  // First of the middleware, so a request refused for overload costs no body parsing and no key check.
  app.use(app.get(LoadShedder).middleware);
  app.use('/api/runs/:id/checkpoints', raw({ type: 'application/octet-stream', limit: config.checkpointLimit }));
  app.use(json({ limit: config.bodyLimit, verify: refuseDeepJson, reviver: refusePrototypeKeys }));
  app.use(bodyParserErrors);
  app.use(refuseRepeatedQueryParameters);
  app.use(refuseNulBytes);
  const outages = app.get(RedisService).outages;
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.queuePrefix, config.webOrigins, outages));
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * A body the parser refused answers like every other error, an ErrorDto whose code says why: too large,
 * nested too deep or with a "__proto__" key (json-body-guard.ts), in a charset or encoding we do not read,
 * or not JSON.
 */
function bodyParserErrors(
  error: BodyParserError | undefined,
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (!error) return next();
  const body = bodyErrorDto(error, request);
  response.status(body.statusCode).json(body);
}

interface BodyParserError {
  status?: number;
  type?: string;
  limit?: number;
  charset?: string;
}

function bodyErrorDto(error: BodyParserError, request: Request): ErrorDto {
  if (error instanceof JsonBodyRefused) {
    const errors = error instanceof PrototypeKeyRefused ? [{ field: '__proto__', message: 'not accepted' }] : undefined;
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: error.message, errors };
  }
  switch (error.type) {
    case 'entity.too.large':
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `request body larger than the limit of ${error.limit} bytes`,
      };
    case 'charset.unsupported':
      return {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `charset ${error.charset ?? ''} is not supported: send JSON in UTF-8`,
      };
    case 'encoding.unsupported':
      return {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `content-encoding ${request.headers['content-encoding'] ?? ''} is not supported: send the body as it is, or gzip, deflate or br`,
      };
    default:
      return { statusCode: error.status ?? 400, code: 'BAD_REQUEST', message: 'request body is not valid JSON' };
  }
}
