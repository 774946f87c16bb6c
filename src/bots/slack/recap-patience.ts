/**
 * How a recap's reads meet Slack's rate limits. History has a WebClient of its own that never waits by
 * itself (`rejectRateLimitedCalls`): @slack/web-api otherwise pauses its whole request queue on a 429
 * (WebClient.js), which would hold up every other job's answers. Here each call waits out its own
 * Retry-After, while only this request waits; a wait longer than the limit ends the reading instead.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import { CLIENT_OPTIONS } from './slack-calls.js';

/** A 429 asking for a longer wait than this ends the reading (Tier 3 allows 50+ calls a minute). */
export const MAX_HISTORY_WAIT_MS = 10_000;
/** All the waits of one request together. */
const MAX_TOTAL_WAIT_MS = 30_000;

export function historyClient(options: { botToken: string; apiUrl: string }): WebClient {
  return new WebClient(options.botToken, { slackApiUrl: options.apiUrl, ...CLIENT_OPTIONS });
}

/** Slack asked for a longer wait than a recap gives it: the reading stops here. */
export class RateLimitedTooLong extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Slack asked to wait ${retryAfterMs} ms`);
  }
}

type RateLimited = Error & { code?: string; retryAfter?: number };

/** Runs the calls of one request, waiting out each 429 it can afford. */
export class Patience {
  private waited = 0;

  constructor(private readonly signal: AbortSignal) {}

  async call<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        const { code, retryAfter } = error as RateLimited;
        if (code !== 'slack_webapi_rate_limited_error') throw error;
        const waitMs = Math.max(1, retryAfter ?? 1) * 1000;
        if (waitMs > MAX_HISTORY_WAIT_MS || this.waited + waitMs > MAX_TOTAL_WAIT_MS)
          throw new RateLimitedTooLong(waitMs);
        this.waited += waitMs;
        await delay(waitMs, undefined, { signal: this.signal });
      }
    }
  }
}
