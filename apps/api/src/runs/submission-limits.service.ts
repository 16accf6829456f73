import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';

const WINDOW_S = 60;

/**
 * What keeps one student's script from flooding the course's GPUs: submissions per key per minute (a
 * fixed window in Redis, shared by every api instance) and a cap on a team's queued runs.
 */
@Injectable()
export class SubmissionLimitsService {
  constructor(
    private readonly redis: RedisService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  async check(principal: Principal): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / WINDOW_S);
    const key = `${this.config.queuePrefix}:submit-rate:${principal.apiKeyId ?? `user:${principal.userId}`}:${window}`;
    const count = await this.redis.client.incr(key);
    if (count === 1) await this.redis.client.expire(key, WINDOW_S * 2);
    if (count > this.config.submitRateLimit) {
      const retryAfter = WINDOW_S - (Math.floor(Date.now() / 1000) % WINDOW_S);
      throw new DomainError('RATE_LIMITED', `at most ${this.config.submitRateLimit} submissions a minute per key; try again in ${retryAfter} s`, undefined, retryAfter);
    }
    const queued = await this.prisma.run.count({ where: { teamId: principal.teamId, status: 'queued' } });
    if (queued >= this.config.maxQueuedRunsPerTeam) {
      throw new DomainError(
        'QUEUE_FULL',
        `team ${principal.teamName} already has ${queued} runs waiting in the queue (the limit is ${this.config.maxQueuedRunsPerTeam}); wait for some to start, or cancel some`,
      );
    }
  }
}
