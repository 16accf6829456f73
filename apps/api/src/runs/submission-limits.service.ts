import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';

const WINDOW_S = 60;

/** What a transaction can run queries with: the client itself, or a transaction's. */
type Tx = Pick<PrismaService, 'run' | 'runGroup' | '$executeRaw'>;

/**
 * What keeps one student's script from flooding the course's GPUs: submissions per user (across all their
 * keys and sessions) and per team per minute, in fixed windows in Redis shared by every api instance, and a
 * cap on a team's queued runs that concurrent submissions cannot overshoot.
 */
@Injectable()
export class SubmissionLimitsService {
  constructor(
    private readonly redis: RedisService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** The rate limits: a submission counts against its user and its team. */
  async checkRate(principal: Principal): Promise<void> {
    await this.countInWindow(`user:${principal.userId}`, this.config.submitRateLimit, 'per user');
    await this.countInWindow(`team:${principal.teamId}`, this.config.submitRateLimitTeam, `for team ${principal.teamName}`);
  }

  /**
   * Runs `insert` only while the team has room in the queue for `adding` more runs (a group's every run
   * counts). The team's advisory lock is held until the transaction ends, so two submissions cannot both see
   * the last free place.
   */
  async withQueueRoom<T>(principal: Principal, insert: (tx: Tx) => Promise<T>, adding = 1): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('gradlab:queue-cap'), hashtext(${principal.teamId}))`;
      const queued = await tx.run.count({ where: { teamId: principal.teamId, status: 'queued' } });
      if (queued + adding > this.config.maxQueuedRunsPerTeam) {
        const these = adding === 1 ? '' : `; these ${adding} runs would make ${queued + adding}`;
        throw new DomainError(
          'QUEUE_FULL',
          `team ${principal.teamName} already has ${queued} runs waiting in the queue (the limit is ${this.config.maxQueuedRunsPerTeam}${these}); wait for some to start, or cancel some`,
        );
      }
      return insert(tx);
    });
  }

  private async countInWindow(subject: string, limit: number, scope: string): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / WINDOW_S);
    const key = `${this.config.queuePrefix}:submit-rate:${subject}:${window}`;
    const count = await this.redis.client.incr(key);
    if (count === 1) await this.redis.client.expire(key, WINDOW_S * 2);
    if (count > limit) {
      const retryAfter = WINDOW_S - (Math.floor(Date.now() / 1000) % WINDOW_S);
      throw new DomainError('RATE_LIMITED', `at most ${limit} submissions a minute ${scope}; try again in ${retryAfter} s`, undefined, retryAfter);
    }
  }
}
