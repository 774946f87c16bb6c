/**
 * What every front shares on Redis before a request runs: who has claimed it (so Slack's retries and a
 * deploy's overlap, landing on different fronts, run it once) and the per-person limit (so a person
 * cannot get a limit per front by being spread over several). Both in one script per request, and the
 * requests of a batch in one pipeline: one round trip for a whole burst, asked after its acknowledgements.
 */
import type { Redis } from 'ioredis';
import type { AdmissionOutcome, AdmissionRequest, SharedAdmission } from '../commands/runtime.js';
import { RecapError } from '../core/errors.js';
import { type RateLimitOptions, rateLimitedError } from '../core/rate-limit.js';

/** How long a claim is remembered: longer than Slack retries an event (about an hour, with backoff). */
const CLAIM_TTL_MS = 60 * 60_000;

/** How long a batch may wait for Redis before every request in it is told the queue is unreachable. */
const ADMIT_TIMEOUT_MS = 5000;

/** What a person is told when Redis did not answer a front. */
export function queueUnreachable(cause: unknown): RecapError {
  return new RecapError(
    'queue_unavailable',
    'recap cannot reach its job queue right now. Please try again in a minute.',
    { cause },
  );
}

/**
 * The claim, then the person's limit, at once, so two fronts can neither both take a request nor both
 * let the sixth one through. The limit is a sliding window, as the in-memory RateLimiter keeps it (a
 * request counts while younger than the window), on Redis's own clock, so fronts whose clocks differ
 * still agree. Returns -2 when another front has the request, -1 when it is this front's (and counted,
 * when asked to), else the ms to wait before the person may ask again.
 */
const CLAIM_AND_COUNT = `
if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return -2 end
if ARGV[2] == '0' then return -1 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('PEXPIRE', KEYS[2], window)
return -1
`;

const COMMAND = 'recapClaimAndCount';

/** A pipeline with the script above defined on its connection (ioredis's `defineCommand`). */
interface AdmissionPipeline {
  recapClaimAndCount(...args: (string | number)[]): AdmissionPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export interface RedisAdmissionOptions extends Pick<RateLimitOptions, 'limit' | 'windowMs'> {
  /** How long a batch may wait for Redis (ms); 5 s unless given. */
  timeoutMs?: number;
}

export class RedisAdmission implements SharedAdmission {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisAdmissionOptions,
  ) {
    // Sent as EVAL once per connection, then as EVALSHA (ioredis's custom commands).
    redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: CLAIM_AND_COUNT });
  }

  async admit(requests: readonly AdmissionRequest[]): Promise<AdmissionOutcome[]> {
    const pipeline = this.redis.pipeline() as unknown as AdmissionPipeline;
    for (const { origin, charge } of requests) {
      pipeline.recapClaimAndCount(
        `${this.prefix}:claim:${origin.platform}:${origin.requestId}`,
        `${this.prefix}:limit:${origin.platform}:${origin.user}`,
        CLAIM_TTL_MS,
        charge ? 1 : 0,
        this.options.limit,
        this.options.windowMs,
        // The request's own id: claimed once, so counted once.
        origin.requestId,
      );
    }
    const replies = await this.withinTimeout(pipeline.exec());
    return requests.map((_, index) => this.outcome(replies?.[index]));
  }

  private outcome(reply: [Error | null, unknown] | undefined): AdmissionOutcome {
    if (!reply || reply[0]) {
      return { kind: 'failed', error: queueUnreachable(reply?.[0] ?? new Error('no reply from Redis')) };
    }
    const waitMs = Number(reply[1]);
    if (waitMs === -2) return { kind: 'taken' };
    if (waitMs < 0) return { kind: 'admitted' };
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return { kind: 'refused', text: rateLimitedError(this.options.limit, seconds).userMessage };
  }

  /** Redis that does not answer (a stopped server keeps its connection open) fails the batch in time. */
  private async withinTimeout<T>(reply: Promise<T>): Promise<T> {
    const limitMs = this.options.timeoutMs ?? ADMIT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${limitMs} ms`)), limitMs);
    });
    try {
      return await Promise.race([reply, timeout]);
    } catch (error) {
      throw queueUnreachable(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
