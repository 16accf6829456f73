import type { EventEmitter } from 'node:events';

/** Errors that mean "Redis cannot be reached", as ioredis and BullMQ report them while it is away. */
export function isRedisConnectionError(error: unknown): boolean {
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN)$/.test(code)
  )
    return true;
  return (
    typeof message === 'string' && /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable/.test(message)
  );
}

/**
 * What a process says about Redis going away: one line when the connection is lost and one when it is back,
 * however many clients it holds (its own ioredis clients, socket.io's adapter, BullMQ's queues and workers)
 * and however often each of them retries meanwhile. Without it ioredis prints "Unhandled error event" and
 * socket.io's adapter "missing 'error' handler" at every retry.
 */
export class RedisOutageLog {
  private readonly down = new Set<EventEmitter>();
  private reported = false;

  constructor(private readonly log: (line: string) => void) {}

  /** An ioredis client: its errors mark it down, `ready` (connected again) up. */
  watch(client: EventEmitter): void {
    client.on('error', (error: Error) => this.lost(client, error));
    client.on('ready', () => this.back(client));
  }

  /**
   * Anything else that re-emits Redis errors (BullMQ's queues and workers): a connection error is the outage
   * the watched clients report; any other error is logged as it comes.
   */
  absorb(emitter: EventEmitter, what: string): void {
    emitter.on('error', (error: Error) => {
      if (!isRedisConnectionError(error)) this.log(`${what}: ${error.message}`);
    });
  }

  /** Whether a connection is down now: what failed meanwhile (a heartbeat, a publish) need not say so again. */
  get isDown(): boolean {
    return this.reported;
  }

  private lost(client: EventEmitter, error: Error): void {
    if (!isRedisConnectionError(error)) return this.log(`Redis: ${error.message}`);
    this.down.add(client);
    if (this.reported) return;
    this.reported = true;
    this.log(`Redis connection lost (${error.message}); reconnecting`);
  }

  private back(client: EventEmitter): void {
    this.down.delete(client);
    if (!this.reported || this.down.size > 0) return;
    this.reported = false;
    this.log('Redis connection back');
  }
}
