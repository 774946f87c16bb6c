import { RecapError } from './errors.js';

export interface RateLimitOptions {
  /** Requests one person may make within the window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

/**
 * A per-person limit in front of the shared queue, so one person cannot fill it for everyone:
 * at most `limit` requests in any `windowMs`. People are kept in the order they last asked (the oldest
 * first), so forgetting those idle for a whole window looks only at the front of the line: each request
 * costs the same however many people are remembered.
 */
export class RateLimiter {
  private readonly seen = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** People remembered: those who asked within the last window (and, until the next request, a few more). */
  get remembered(): number {
    return this.seen.size;
  }

  /** Counts a request by `key`; when over the limit, returns what to tell the person instead. */
  refusal(key: string): string | undefined {
    try {
      this.take(key);
      return undefined;
    } catch (error) {
      if (error instanceof RecapError) return error.userMessage;
      throw error;
    }
  }

  /** Counts a request by `key`, or throws a message saying when the person may ask again. */
  take(key: string): void {
    const now = this.now();
    this.forgetIdle(now);
    const recent = (this.seen.get(key) ?? []).filter((at) => now - at < this.options.windowMs);
    if (recent.length >= this.options.limit) {
      const waitSeconds = Math.ceil(((recent[0] ?? now) + this.options.windowMs - now) / 1000);
      // A refusal is no new request: the person keeps their place in the line.
      this.seen.set(key, recent);
      throw rateLimitedError(this.options.limit, waitSeconds);
    }
    recent.push(now);
    // To the back of the line: this person asked last.
    this.seen.delete(key);
    this.seen.set(key, recent);
  }

  /** Forgets, from the front of the line, the people whose last request is a whole window old. */
  private forgetIdle(now: number): void {
    for (const [key, times] of this.seen) {
      const last = times.at(-1);
      if (last !== undefined && now - last < this.options.windowMs) return;
      this.seen.delete(key);
    }
  }
}

/** What a person over the limit is told, wherever the limit is kept. */
export function rateLimitedError(limit: number, waitSeconds: number): RecapError {
  return new RecapError(
    'rate_limited',
    `You have asked for ${limit} summaries in a short time. Please wait ${formatWait(waitSeconds)} and ask again.`,
  );
}

function formatWait(seconds: number): string {
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}
