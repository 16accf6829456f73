import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { redisLimiter } from '../redis/redis-limiter';
import { RedisService } from '../redis/redis.service';

/** Wrong passwords an account gets before each further try must wait, and the most it ever waits. */
const FREE_FAILURES = 5;
const MAX_WAIT_S = 15 * 60;
/** Failed sign-ins from one address in a quarter of an hour. */
const IP_WINDOW_S = 15 * 60;
const ACCOUNT_WINDOW_S = 24 * 3600;

/**
 * Guessing passwords is slowed down per account and per address (rate-limiter-flexible over Redis, shared
 * by every api instance). After FREE_FAILURES wrong passwords, an account waits before each try, 1 s,
 * then 2, 4, ... up to 15 min; a right password clears it. An address is refused after LOGIN_FAILURES_PER_IP
 * failures in 15 minutes, whichever accounts they were for.
 *
 * Every attempt is counted before its password is checked, atomically in Redis, and given back when it
 * succeeds or was not a password check at all (rate-limiter-flexible's login example): parallel attempts
 * cannot all pass a check made before any of them failed. Past the free failures, one attempt at a time
 * takes the account's wait (a one-point limiter for the wait's length), so parallel ones are refused.
 *
 * While Redis is down the limits hold per api instance, in memory (redisLimiter): sign-in keeps working and
 * is never left unlimited.
 */
@Injectable()
export class LoginLimiterService {
  private readonly attemptsByAccount: RateLimiterRedis;
  private readonly waitByAccount: RateLimiterRedis;
  private readonly attemptsByIp: RateLimiterRedis;

  constructor(
    redis: RedisService,
    private readonly config: AppConfig,
  ) {
    const limiter = (name: string, points: number, duration: number) =>
      redisLimiter(redis.client, `${config.queuePrefix}:login:${name}`, points, duration);
    this.attemptsByAccount = limiter('account', 1_000_000, ACCOUNT_WINDOW_S);
    this.waitByAccount = limiter('wait', 1, 1);
    this.attemptsByIp = limiter('ip', config.loginFailuresPerIp, IP_WINDOW_S);
  }

  /**
   * Counts a sign-in attempt before its password is checked; refuses it (429, with when to try again) while
   * the account must wait or the address has failed too often. The attempt stays counted as a failure unless
   * `succeeded` or `notChecked` gives it back.
   */
  async begin(email: string, ip: string): Promise<void> {
    try {
      await this.attemptsByIp.consume(ip);
    } catch (rejection) {
      throw tooMany('too many failed sign-ins from this address', rejection);
    }
    const { consumedPoints } = await this.attemptsByAccount.consume(email);
    if (consumedPoints <= FREE_FAILURES) return;
    try {
      await this.waitByAccount.consume(email, 1, {
        customDuration: Math.min(MAX_WAIT_S, 2 ** (consumedPoints - FREE_FAILURES - 1)),
      });
    } catch (rejection) {
      await this.giveBack(email, ip);
      throw tooMany(`too many wrong passwords for ${email}`, rejection);
    }
  }

  /** The right password: the account's failures and wait are cleared, and the address's attempt given back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.attemptsByAccount.delete(email),
      this.waitByAccount.delete(email),
      this.attemptsByIp.reward(ip),
    ]);
  }

  /** The attempt ended before a password was checked (bad input, the database down): it does not count. */
  async notChecked(email: string, ip: string): Promise<void> {
    await this.giveBack(email, ip);
  }

  private async giveBack(email: string, ip: string): Promise<void> {
    await Promise.all([this.attemptsByAccount.reward(email), this.attemptsByIp.reward(ip)]);
  }
}

function tooMany(reason: string, rejection: unknown): DomainError {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  return new DomainError('RATE_LIMITED', `${reason}; try again in ${seconds} s`, undefined, seconds);
}
