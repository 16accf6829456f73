import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isLiveOnlyEvent, RunEventSchema, workerLiveChannel } from '@gradlab/contracts';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { RunEventsService } from './run-events.service';

/**
 * Workers' progress and heartbeats, over Redis pub/sub: every api instance hears each one and tells its
 * own clients. Nothing here is kept for later: a message missed (Redis or Postgres down) is replaced by the
 * worker's next within seconds. Epochs, status and results come through the run-events queue instead.
 */
@Injectable()
export class WorkerLiveEventsListener implements OnModuleInit {
  private readonly logger = new Logger(WorkerLiveEventsListener.name);

  constructor(
    private readonly redis: RedisService,
    private readonly events: RunEventsService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(workerLiveChannel(this.config.queuePrefix), (message) => void this.receive(message));
  }

  private async receive(message: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return this.logger.warn(`ignored a live event that is not JSON: ${message.slice(0, 80)}`);
    }
    const parsed = RunEventSchema.safeParse(json);
    if (!parsed.success || !isLiveOnlyEvent(parsed.data))
      return this.logger.warn(`ignored a live event that breaks its contract: ${message.slice(0, 80)}`);
    await this.events.handleLive(parsed.data).catch((error: Error) => {
      // Postgres down: a heartbeat cannot be recorded, and the next says the same, fresher. Not worth a line each.
      if (!isDatabaseUnavailable(error)) this.logger.warn(`live ${parsed.data.type} not relayed: ${error.message}`);
    });
  }
}
