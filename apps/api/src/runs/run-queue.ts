import { Injectable } from '@nestjs/common';
import { cancelKey } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { DispatcherService } from '../scheduling/dispatcher.service';
import { TrainingQueues, UNFINISHED_JOB_STATES } from '../scheduling/training-queues';

/** Seven days: long enough for any run to notice that it was cancelled. */
const CANCEL_FLAG_TTL_S = 7 * 24 * 3600;

/**
 * The runs' side of the training queues. A submitted run waits in Postgres; the dispatcher gives it to a
 * pool's queue when one of its workers is free (fair share). A run's job is named by the run's id.
 */
@Injectable()
export class RunQueue {
  constructor(
    private readonly queues: TrainingQueues,
    private readonly dispatcher: DispatcherService,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /** Before a write that needs the queue: 503 at once while Redis is down, before anything is written. */
  ensureReachable(what: string): void {
    this.redis.ensureReady(what);
  }

  /** New runs are waiting: give them to free workers now rather than at the next tick. */
  submitted(): void {
    this.dispatcher.kick();
  }

  /** Raises the flag the worker training the run polls, and removes its job if no worker has taken it yet. */
  async cancel(runId: string, pool: string | null): Promise<void> {
    await this.redis.client.set(cancelKey(this.config.queuePrefix, runId), '1', 'EX', CANCEL_FLAG_TTL_S);
    if (pool === null) return; // never given to a worker: it has no job
    const job = await this.queues.job(pool, runId);
    if (job && (UNFINISHED_JOB_STATES as readonly string[]).includes(await job.getState()) && !(await job.isActive())) {
      await job.remove().catch(() => undefined); // taken meanwhile: the worker will see the flag
    }
  }
}
