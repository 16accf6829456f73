import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { isRedisConnectionError, QUEUES, RunEventSchema, toFieldErrors } from '@gradlab/contracts';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { RedisService } from '../redis/redis.service';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import { EpochsPendingError, RunEventsService } from './run-events.service';

/** While Postgres is unreachable, an event is tried again after this long, doubling up to the cap. */
const OUTAGE_FIRST_DELAY_MS = 500;
const OUTAGE_MAX_DELAY_MS = 30_000;
/**
 * Events stored at once by each api instance: one at a time, Postgres' round trips bounded the api at about
 * 40 epochs a second with CPU to spare (bench:load). Order within a run is not needed: an epoch is stored once
 * whenever it comes, a run.completed before its last epochs waits for them, and a late run.started changes
 * nothing once the run has finished.
 */
const CONCURRENT_EVENTS = 4;
/** A run.completed that arrived before its last epochs is tried again after this long. */
const EPOCHS_PENDING_DELAY_MS = 1_000;

/**
 * Consumes the workers' `run-events` queue. An event is acknowledged only once it is stored: while Postgres
 * is unreachable it goes back to the queue, delayed, for as long as the outage lasts (minutes or hours),
 * without using up its attempts. A payload that fails its contract is failed, not retried.
 */
@Processor(QUEUES.runEvents, { concurrency: CONCURRENT_EVENTS })
export class RunEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(RunEventsProcessor.name);
  /** Consecutive events that met an outage: the delay grows with it, and resets once one is stored. */
  private outageStrikes = 0;

  constructor(
    private readonly events: RunEventsService,
    redis: RedisService,
    @InjectQueue(QUEUES.runEvents) queue: Queue,
  ) {
    super();
    // this module's handle on the queue: its errors while Redis is away are RedisService's one line
    redis.outages.absorb(queue, 'run-events queue');
  }

  /** Redis going away is said once, by RedisService's clients; any other queue error is logged. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (!isRedisConnectionError(error)) this.logger.error(`run-events queue: ${error.message}`);
  }

  async process(job: Job<unknown>, token?: string): Promise<void> {
    const parsed = RunEventSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = toFieldErrors(parsed.error)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ');
      this.logger.warn(`rejected run event ${job.name} (${job.id}): ${reason}`);
      throw new UnrecoverableError(`invalid run event: ${reason}`);
    }
    try {
      await this.events.handle(parsed.data);
      if (this.outageStrikes > 0) this.logger.log('Postgres is back: stored run events again');
      this.outageStrikes = 0;
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // A heartbeat is stale by the time Postgres is back; the next one says the same, fresher.
        if (parsed.data.type === 'worker.heartbeat') return;
        if (this.outageStrikes === 0)
          this.logger.warn(`Postgres unreachable: run events are kept and tried again until it is back`);
        const delay = Math.min(OUTAGE_MAX_DELAY_MS, OUTAGE_FIRST_DELAY_MS * 2 ** this.outageStrikes);
        this.outageStrikes++;
        return this.tryAgainLater(job, token, delay);
      }
      if (error instanceof EpochsPendingError) return this.tryAgainLater(job, token, EPOCHS_PENDING_DELAY_MS);
      throw error;
    }
  }

  /** Back to the queue, due in `delayMs`; BullMQ does not count it as a failed attempt. */
  private async tryAgainLater(job: Job, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
}
