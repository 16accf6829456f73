/**
 * Whether an error means "Postgres cannot be reached right now" (down, restarting, refusing connections,
 * the connection dropped), as opposed to a bad query or bad data. Such errors are worth waiting out: REST
 * answers 503 with Retry-After, and run events are kept and tried again until Postgres is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, meta, message } = e as {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
      message?: unknown;
    };
    if (typeof code === 'string' && PRISMA_UNREACHABLE.has(code)) return true;
    if (typeof code === 'string' && isConnectionSqlState(code)) return true;
    const adapter = meta?.driverAdapterError?.cause;
    if (adapter?.kind && ADAPTER_UNREACHABLE.has(adapter.kind)) return true;
    if (adapter?.originalCode && isConnectionSqlState(adapter.originalCode)) return true;
    if ((e as Error).name === 'PrismaClientInitializationError') return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
  }
  return false;
}

/** Prisma's codes for: can't reach, timed out, server closed the connection, pool timeout. */
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/adapter-pg's kinds for the same. */
const ADAPTER_UNREACHABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseAccessDenied',
]);
/** Postgres SQLSTATE class 08 (connection exception) and 57P01-03 (shutting down, crashed, starting up). */
const isConnectionSqlState = (code: string) => /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code);
const UNREACHABLE_MESSAGE =
  /Can't reach database server|ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Server has closed the connection|Timed out fetching a new connection/i;

/** A unique constraint refused a row: two requests made the same thing at the same moment. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = (error ?? {}) as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
  };
  const adapter = meta?.driverAdapterError?.cause;
  return code === 'P2002' || adapter?.originalCode === '23505' || adapter?.kind === 'UniqueConstraintViolation';
}

/**
 * Whether an error means "Redis cannot be reached right now": ioredis gave up on a command
 * (MaxRetriesPerRequestError), its connection is closed, or it was not ready. Answered as 503, as for Postgres.
 */
export function isRedisUnavailable(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'MaxRetriesPerRequestError' || (typeof message === 'string' && REDIS_UNREACHABLE_MESSAGE.test(message))
  );
}

const REDIS_UNREACHABLE_MESSAGE =
  /Connection is closed|Redis connection is not ready|Stream isn't writeable|enableOfflineQueue/;
