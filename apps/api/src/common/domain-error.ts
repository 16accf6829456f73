import type { FieldError } from '@gradlab/contracts';

export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUEUE_FULL'
  | 'PAYLOAD_TOO_LARGE';

/** An error the domain raises with a code; controllers' filters map codes to HTTP (and later GraphQL). */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: FieldError[],
    /** For RATE_LIMITED: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
