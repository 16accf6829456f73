import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ErrorDto } from '@gradlab/contracts';
import type { Response } from 'express';
import { toGraphQLError } from '../graphql/graphql-errors';
import { isDatabaseUnavailable, isRedisUnavailable, isUniqueViolation } from './database-unavailable';
import { DomainError, type DomainErrorCode } from './domain-error';

/** What a 503 for a database outage tells clients to wait before trying again. */
const DATABASE_RETRY_AFTER_S = 5;

const STATUS: Record<DomainErrorCode, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  CONFLICT: HttpStatus.CONFLICT,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  QUEUE_FULL: HttpStatus.TOO_MANY_REQUESTS,
  QUOTA_EXCEEDED: HttpStatus.TOO_MANY_REQUESTS,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
};

/**
 * Every REST error answers with an ErrorDto: a status, a code, a message and, for bad input, field errors.
 * GraphQL requests are left to the GraphQL layer, which maps the same codes into `extensions`.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): unknown {
    if ((host.getType() as string) === 'graphql') return toGraphQLError(error);
    if (host.getType() === 'ws') return undefined;
    const response = host.switchToHttp().getResponse<Response>();
    let body: ErrorDto;
    if (error instanceof DomainError) {
      body = {
        statusCode: STATUS[error.code],
        code: error.code,
        message: error.message,
        errors: error.fieldErrors,
        ...(error.quota ? { quota: error.quota } : {}),
      };
      if (error.retryAfterSeconds) response.setHeader('retry-after', String(error.retryAfterSeconds));
    } else if (isUniqueViolation(error)) {
      // Two requests raced to make the same thing (a team, a user): the loser hears what a second try would.
      body = { statusCode: 409, code: 'CONFLICT', message: 'it already exists (made by a request at the same moment)' };
    } else if (isDatabaseUnavailable(error)) {
      // Postgres is down or restarting: nothing is wrong with the request, so say when to try again.
      body = {
        statusCode: 503,
        code: 'UNAVAILABLE',
        message: 'the database cannot be reached just now; try again shortly',
      };
      response.setHeader('retry-after', String(DATABASE_RETRY_AFTER_S));
    } else if (isRedisUnavailable(error)) {
      body = {
        statusCode: 503,
        code: 'UNAVAILABLE',
        message: 'the queue (Redis) cannot be reached just now; try again shortly',
      };
      response.setHeader('retry-after', String(DATABASE_RETRY_AFTER_S));
    } else if (error instanceof HttpException) {
      const status = error.getStatus();
      body = {
        statusCode: status,
        code: status === 404 ? 'NOT_FOUND' : status === 400 ? 'BAD_REQUEST' : 'HTTP_ERROR',
        message: error.message,
      };
    } else {
      this.logger.error(error instanceof Error ? error.stack : String(error));
      body = { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
    }
    response.status(body.statusCode).json(body);
  }
}
