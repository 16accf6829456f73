import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';

/** GraphQL's run cursors: the last run's (createdAt, id), opaque to clients. */
const CURSOR_EARLIEST = Date.UTC(2000, 0, 1);
const CURSOR_LATEST = Date.UTC(9999, 11, 31);

export function encodeRunCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** A cursor this api gave out, or VALIDATION_FAILED naming `after`. */
export function decodeRunCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    // Only dates this api can have given out: Postgres refuses some that JavaScript accepts.
    const time = Date.parse(createdAt);
    if (time >= CURSOR_EARLIEST && time <= CURSOR_LATEST && isUuid(id)) return { createdAt: new Date(createdAt), id };
  } catch {
    // answered below
  }
  throw new DomainError('VALIDATION_FAILED', 'invalid query: after: not a cursor this api gave out', [
    { field: 'after', message: 'not a cursor this api gave out' },
  ]);
}
