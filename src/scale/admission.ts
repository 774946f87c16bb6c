/**
 * What every front shares on Redis before a request runs: who has claimed it (so Slack's retries and a
 * deploy's overlap, landing on different fronts, run it once) and the per-person limit (so a person
 * cannot get a limit per front by being spread over several).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Origin } from '../commands/request.js';
import { RecapError } from '../core/errors.js';
import { type PersonLimit, type RateLimitOptions, rateLimitedError } from '../core/rate-limit.js';

/** How long a claim is remembered: longer than Slack retries an event (about an hour, with backoff). */
const CLAIM_TTL_MS = 60 * 60_000;

/** What a person is told when Redis did not answer a front. */
export function queueUnreachable(cause: unknown): RecapError {
  return new RecapError(
    'queue_unavailable',
    'recap cannot reach its job queue right now. Please try again in a minute.',
    { cause },
  );
}

/** Claims a request for this front: true for the first front to ask, false for every later one. */
export function redisClaims(redis: Redis, prefix: string): (origin: Origin) => Promise<boolean> {
  return async (origin) => {
    try {
      const set = await redis.set(
        `${prefix}:claim:${origin.platform}:${origin.requestId}`,
        '1',
        'PX',
        CLAIM_TTL_MS,
        'NX',
      );
      return set === 'OK';
    } catch (error) {
      throw queueUnreachable(error);
    }
  };
}

/**
 * A sliding window per person, as the in-memory RateLimiter keeps it (a request counts while younger
 * than the window), in one script so two fronts cannot both let the sixth request through. The clock
 * is Redis's own, so fronts whose clocks differ still agree. Returns -1 when counted, else the ms to wait.
 */
const SLIDING_WINDOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return -1
`;

export class RedisPersonLimit implements PersonLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: Pick<RateLimitOptions, 'limit' | 'windowMs'>,
  ) {}

  async refusal(key: string): Promise<string | undefined> {
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.eval(
          SLIDING_WINDOW,
          1,
          `${this.prefix}:limit:${key}`,
          this.options.limit,
          this.options.windowMs,
          randomUUID(),
        ),
      );
    } catch (error) {
      throw queueUnreachable(error);
    }
    return waitMs < 0
      ? undefined
      : rateLimitedError(this.options.limit, Math.max(1, Math.ceil(waitMs / 1000))).userMessage;
  }
}
