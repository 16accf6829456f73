import type IORedis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * A rate limiter over Redis, shared by every api instance, that neither fails open nor turns into 500s
 * while Redis is down: it then counts in this instance's memory (rate-limiter-flexible's insuranceLimiter,
 * taken at once rather than after ioredis' retries). With N api instances a limit is at most N times looser
 * for the outage; Redis back, the shared counts take over again.
 */
export function redisLimiter(client: IORedis, keyPrefix: string, points: number, durationS: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    keyPrefix,
    points,
    duration: durationS,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationS }),
  });
}
