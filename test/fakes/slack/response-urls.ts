/**
 * response_url endpoints. Slack: "you can respond to a user's command up to 5 times within 30 minutes of
 * the user's invocation" (docs.slack.dev, "Implementing slash commands", "Delayed responses and multiple
 * responses"; the same for interactions in "Handling user interaction"). What Slack answers beyond that
 * is not documented; the one report found (slackapi/bolt-js#1261) shows `respond()` failing with
 * "Request failed with status code 404" from a response_url Slack no longer accepted, and Bolt 5 throws
 * a RespondError for any non-2xx ("Throw so that failures (e.g. expired response_url, rate limits) reach
 * the app's error handling", bolt-js src/context/create-respond.ts). So the fake answers HTTP 404; the
 * short text body (`expired_url` or `used_url`) is this fake's own wording, which no client reads.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import type { Json } from './workspace.js';

export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_USES = 5;

export interface ResponseAttempt {
  path: string;
  body: Json;
  status: number;
  at: number;
}

export class ResponseUrls {
  /** Responses Slack accepted (what the person saw), in order. */
  readonly accepted: { path: string; body: Json }[] = [];
  /** Every POST to a response_url, accepted or not. */
  readonly attempts: ResponseAttempt[] = [];
  private readonly issued = new Map<string, { createdAt: number; uses: number }>();
  private readonly failures: number[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly ttlMs: number,
  ) {}

  /** A new response_url, valid from now. */
  issue(): string {
    const path = `/respond/${randomUUID()}`;
    this.issued.set(path, { createdAt: Date.now(), uses: 0 });
    return `${this.baseUrl}${path}`;
  }

  /** The next POST to any response_url fails with this status (and does not count as a use). */
  failNext(status: number): void {
    this.failures.push(status);
  }

  handle(path: string, raw: Buffer, response: ServerResponse): unknown {
    const body = JSON.parse(raw.toString() || '{}') as Json;
    const answer = (status: number, text?: string) => {
      this.attempts.push({ path, body, status, at: Date.now() });
      if (status === 200) {
        this.accepted.push({ path, body });
        return sendJson(response, 200, { ok: true });
      }
      response.writeHead(status, { 'content-type': 'text/plain' });
      return response.end(text ?? '');
    };
    const url = this.issued.get(path);
    if (!url) return answer(404, 'invalid_url');
    const failure = this.failures.shift();
    if (failure !== undefined) return answer(failure, 'failed');
    if (Date.now() - url.createdAt > this.ttlMs) return answer(404, 'expired_url');
    if (url.uses >= RESPONSE_URL_USES) return answer(404, 'used_url');
    url.uses += 1;
    return answer(200);
  }
}
