import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { redisLimiter } from '../redis/redis-limiter';
import { RedisService } from '../redis/redis.service';

const WINDOW_S = 60;

/** What a transaction can run queries with: the client itself, or a transaction's. */
type Tx = Pick<PrismaService, 'run' | 'runGroup' | '$executeRaw'>;

/**
 * What keeps one student's script from flooding the course's GPUs: submissions per user (across all their
 * keys and sessions) and per team per minute (rate-limiter-flexible over Redis, shared by every api
 * instance; per instance while Redis is down, see redisLimiter), and a cap on a team's queued runs that
 * concurrent submissions cannot overshoot.
 */
@Injectable()
export class SubmissionLimitsService {
  private readonly perUser: RateLimiterRedis;
  private readonly perTeam: RateLimiterRedis;

  constructor(
    redis: RedisService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {
    const limiter = (subject: string, points: number) =>
      redisLimiter(redis.client, `${config.queuePrefix}:submit-rate:${subject}`, points, WINDOW_S);
    this.perUser = limiter('user', config.submitRateLimit);
    this.perTeam = limiter('team', config.submitRateLimitTeam);
  }

  /** The rate limits: a submission counts against its user and its team. */
  async checkRate(principal: Principal): Promise<void> {
    await this.consume(this.perUser, principal.userId, 'per user');
    await this.consume(this.perTeam, principal.teamId, `for team ${principal.teamName}`);
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

  /** One submission against `limiter`; over its limit, RATE_LIMITED with when to try again. */
  private async consume(limiter: RateLimiterRedis, key: string, scope: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new DomainError(
        'RATE_LIMITED',
        `at most ${limiter.points} submissions a minute ${scope}; try again in ${retryAfter} s`,
        undefined,
        retryAfter,
      );
    }
  }
}
