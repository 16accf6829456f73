import type { ErrorDto } from '@gradlab/contracts';
import type { NextFunction, Request, Response } from 'express';

/** What a shed request is told to wait before asking again. */
const SHED_RETRY_AFTER_S = 1;

/** Workers' checkpoints and the health checks are never refused: a worker's traffic goes ahead of readers'. */
const NEVER_SHED = [/^\/api\/health(\/|$)/, /^\/api\/runs\/[^/]+\/checkpoints(\/|$)/];

export interface LoadShedderOptions {
  /** Requests this api instance answers at once; the next one answers 503 at once instead of waiting its turn. */
  maxInFlight: number;
  /**
   * Run events (epochs) waiting in the queue beyond which readers' requests are refused, so that storing the
   * workers' epochs gets the api's time first; 0 turns it off.
   */
  maxEventBacklog: number;
  /** Run events waiting in the queue now, asked at most every `backlogEveryMs` (a Redis round trip). */
  eventBacklog: () => Promise<number>;
  backlogEveryMs?: number;
}

/**
 * Overload answers 503 with `retry-after`, at once, instead of a queue of requests that time out: past
 * `maxInFlight` requests in flight, or while the workers' epochs wait in the queue behind readers. It runs
 * before any body is parsed or any key checked, so a refused request costs next to nothing.
 */
export class LoadShedder {
  private inFlight = 0;
  private backlog = 0;
  private backlogAskedAt = 0;
  private asking = false;

  constructor(private readonly options: LoadShedderOptions) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    if (NEVER_SHED.some((path) => path.test(request.path))) return next();
    this.refreshBacklog();
    const reason = this.reasonToShed(request);
    if (reason) return this.refuse(response, reason);
    this.inFlight++;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    response.once('finish', finished);
    response.once('close', finished);
    next();
  };

  private reasonToShed(request: Request): 'inFlight' | 'eventBacklog' | undefined {
    if (this.inFlight >= this.options.maxInFlight) return 'inFlight';
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (reading && this.options.maxEventBacklog > 0 && this.backlog > this.options.maxEventBacklog)
      return 'eventBacklog';
    return undefined;
  }

  private refuse(response: Response, reason: 'inFlight' | 'eventBacklog'): void {
    const body: ErrorDto = {
      statusCode: 503,
      code: 'OVERLOADED',
      message:
        reason === 'inFlight'
          ? `the api is answering ${this.inFlight} requests already; try again in ${SHED_RETRY_AFTER_S} s`
          : `the api is storing the workers' epochs first (${this.backlog} waiting); try again in ${SHED_RETRY_AFTER_S} s`,
    };
    response.setHeader('retry-after', String(SHED_RETRY_AFTER_S));
    response.status(503).json(body);
  }

  /** The queue's backlog, refreshed in the background: a request never waits for Redis here. */
  private refreshBacklog(): void {
    if (this.options.maxEventBacklog === 0 || this.asking) return;
    const now = Date.now();
    if (now - this.backlogAskedAt < (this.options.backlogEveryMs ?? 1000)) return;
    this.backlogAskedAt = now;
    this.asking = true;
    this.options
      .eventBacklog()
      .then((waiting) => (this.backlog = waiting))
      // Redis away: its outage is said elsewhere, and readers are not refused for it here
      .catch(() => (this.backlog = 0))
      .finally(() => (this.asking = false));
  }
}
