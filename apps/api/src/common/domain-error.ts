import type { FieldError, QuotaExceeded } from '@gradlab/contracts';

export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUEUE_FULL'
  | 'QUOTA_EXCEEDED'
  | 'PAYLOAD_TOO_LARGE';

/** An error the domain raises with a code; controllers' filters map codes to HTTP (and later GraphQL). */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: FieldError[],
    /** For RATE_LIMITED: when to try again. */
    readonly retryAfterSeconds?: number,
    /** For QUOTA_EXCEEDED: the budget, what is used, when it frees up. */
    readonly quota?: QuotaExceeded,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
