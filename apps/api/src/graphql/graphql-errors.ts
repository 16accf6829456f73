import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable, isRedisUnavailable, isUniqueViolation } from '../common/database-unavailable';
import { DomainError, type DomainErrorCode } from '../common/domain-error';

/** GraphQL's usual codes where one exists; field errors travel in `extensions.fieldErrors`, as REST's `errors`. */
const CODES: Record<DomainErrorCode, string> = {
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION_FAILED: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  UNAVAILABLE: 'UNAVAILABLE',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  QUEUE_FULL: 'QUEUE_FULL',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/** What an outage tells clients to wait before trying again, as REST's Retry-After. */
const OUTAGE_RETRY_AFTER_S = 5;

export function toGraphQLError(error: unknown): GraphQLError | unknown {
  if (isUniqueViolation(error))
    return new GraphQLError('it already exists (made by a request at the same moment)', {
      extensions: { code: 'CONFLICT' },
    });
  if (isDatabaseUnavailable(error))
    return unavailable('the database cannot be reached just now; try again shortly', OUTAGE_RETRY_AFTER_S);
  if (isRedisUnavailable(error))
    return unavailable('the queue (Redis) cannot be reached just now; try again shortly', OUTAGE_RETRY_AFTER_S);
  if (!(error instanceof DomainError)) return error;
  if (error.code === 'UNAVAILABLE') return unavailable(error.message, error.retryAfterSeconds ?? OUTAGE_RETRY_AFTER_S);
  return new GraphQLError(error.message, {
    extensions: {
      code: CODES[error.code],
      ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      ...(error.quota ? { quota: error.quota } : {}),
    },
  });
}

/** An outage: UNAVAILABLE, and HTTP 503 with Retry-After as REST answers (Apollo takes the status from `http`). */
function unavailable(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAVAILABLE',
      retryAfterSeconds,
      http: { status: 503, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError('sign in, or send an API key as "Authorization: Bearer <key>"', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

const logger = new Logger('GraphQL');

/**
 * What a GraphQL error tells the caller. Outside development an unexpected error says "internal error"
 * and no more (its message may quote SQL or source lines): the details go to the log.
 */
export function maskInternalError(
  formatted: GraphQLFormattedError,
  error: unknown,
  development: boolean,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code !== 'INTERNAL_SERVER_ERROR' || development) return formatted;
  const original = (error as { originalError?: Error })?.originalError ?? error;
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return {
    message: 'internal error',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
    ...(formatted.path ? { path: formatted.path } : {}),
  };
}
