import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { RedisService } from '../redis/redis.service';

/** Wrong passwords an account gets before each further try must wait, and the most it ever waits. */
const FREE_FAILURES = 5;
const MAX_WAIT_S = 15 * 60;
/** Failed sign-ins from one address in a quarter of an hour. */
const IP_WINDOW_S = 15 * 60;

/**
 * Guessing passwords is slowed down per account and per address (rate-limiter-flexible over Redis, shared
 * by every api instance). After FREE_FAILURES wrong passwords, an account waits before each try, 1 s,
 * then 2, 4, ... up to 15 min; a right password clears it. An address is refused after LOGIN_FAILURES_PER_IP
 * failures in 15 minutes, whichever accounts they were for.
 */
@Injectable()
export class LoginLimiterService {
  private readonly failuresByAccount: RateLimiterRedis;
  private readonly waitByAccount: RateLimiterRedis;
  private readonly failuresByIp: RateLimiterRedis;

  constructor(
    redis: RedisService,
    private readonly config: AppConfig,
  ) {
    const prefix = `${config.queuePrefix}:login`;
    this.failuresByAccount = new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `${prefix}:fails`, points: 1_000_000, duration: 24 * 3600 });
    this.waitByAccount = new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `${prefix}:wait`, points: 1, duration: 1 });
    this.failuresByIp = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: `${prefix}:ip`,
      points: config.loginFailuresPerIp,
      duration: IP_WINDOW_S,
    });
  }

  /** Before the password is checked: refuses while the account must wait or the address has failed too often. */
  async check(email: string, ip: string): Promise<void> {
    const [wait, byIp] = await Promise.all([this.waitByAccount.get(email), this.failuresByIp.get(ip)]);
    if (wait && wait.consumedPoints > 1 && wait.msBeforeNext > 0) throw tooMany(`too many wrong passwords for ${email}`, wait);
    if (byIp && byIp.consumedPoints >= this.config.loginFailuresPerIp && byIp.msBeforeNext > 0)
      throw tooMany('too many failed sign-ins from this address', byIp);
  }

  async failed(email: string, ip: string): Promise<void> {
    await this.failuresByIp.consume(ip).catch(() => undefined); // over the limit: check() says so next time
    const { consumedPoints } = await this.failuresByAccount.consume(email);
    if (consumedPoints > FREE_FAILURES) await this.waitByAccount.block(email, Math.min(MAX_WAIT_S, 2 ** (consumedPoints - FREE_FAILURES - 1)));
  }

  async succeeded(email: string): Promise<void> {
    await Promise.all([this.failuresByAccount.delete(email), this.waitByAccount.delete(email)]);
  }
}

function tooMany(reason: string, res: RateLimiterRes): DomainError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new DomainError('RATE_LIMITED', `${reason}; try again in ${seconds} s`, undefined, seconds);
}
