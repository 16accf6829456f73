import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../common/database-unavailable';
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
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

export function toGraphQLError(error: unknown): GraphQLError | unknown {
  if (isDatabaseUnavailable(error)) return new GraphQLError('the database cannot be reached just now; try again shortly', { extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 5 } });
  if (!(error instanceof DomainError)) return error;
  return new GraphQLError(error.message, {
    extensions: {
      code: CODES[error.code],
      ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    },
  });
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError('sign in, or send an API key as "Authorization: Bearer <key>"', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
