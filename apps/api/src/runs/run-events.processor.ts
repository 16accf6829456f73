import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QUEUES, RunEventSchema, toFieldErrors } from '@gradlab/contracts';
import { UnrecoverableError, type Job } from 'bullmq';
import { RunEventsService } from './run-events.service';

/** Consumes the workers' `run-events` queue; a payload that fails its contract is failed, not retried. */
@Processor(QUEUES.runEvents)
export class RunEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(RunEventsProcessor.name);

  constructor(private readonly events: RunEventsService) {
    super();
  }

  async process(job: Job<unknown>): Promise<void> {
    const parsed = RunEventSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = toFieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`).join('; ');
      this.logger.warn(`rejected run event ${job.name} (${job.id}): ${reason}`);
      throw new UnrecoverableError(`invalid run event: ${reason}`);
    }
    await this.events.handle(parsed.data);
  }
}
