import type { FieldError } from '@gradlab/contracts';

/** The api answered with an error status; `fieldErrors` names each bad field of a 400. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The api did not answer at all: down, restarting, or the wrong address. */
export class ApiUnreachableError extends Error {}
