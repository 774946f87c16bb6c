/**
 * response_url endpoints. Slack: "you can respond to a user's command up to 5 times within 30 minutes of
 * the user's invocation" (docs.slack.dev, "Implementing slash commands", "Delayed responses and multiple
 * responses"; the same for interactions in "Handling user interaction"). What Slack answers beyond that
 * is not documented; the one report found (slackapi/bolt-js#1261) shows `respond()` failing with
 * "Request failed with status code 404" from a response_url Slack no longer accepted, and Bolt 5 throws
 * a RespondError for any non-2xx ("Throw so that failures (e.g. expired response_url, rate limits) reach
 * the app's error handling", bolt-js src/context/create-respond.ts). So the fake answers HTTP 404; the
 * short text body (`expired_url` or `used_url`) is this fake's own wording, which no client reads.
 *
 * `replace_original` depends on where the response_url came from. A slash command's response_url has no
 * message to replace: the flag is ignored and a new message is posted (slackapi/bolt-js#2287 and
 * slackapi/bolt-python#1268: `respond({ replace_original: true })` after a command's first response posts
 * a second message). An interaction on a message (a message shortcut here) replaces *the source message*,
 * the public one the person acted on, unless the response says a literal `false`: "Responding ... will
 * replace the current message in its entirety by default. If you explicitly indicate that you want to
 * create a new message instead, specify a literal false in the replace_original field"
 * (api.slack.com/interactive-messages, quoted in slack-go/slack#428; reported for an ephemeral reply that
 * replaced a public message in howdyai/botkit#444). The fake records such a replacement in
 * `sourcesReplaced`, which no test of a correct app should ever see grow.
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
  /** Public messages a response_url replaced: the message a shortcut ran on. */
  readonly sourcesReplaced: { path: string; source: Json; body: Json }[] = [];
  private readonly issued = new Map<string, { createdAt: number; uses: number; source?: Json }>();
  private readonly failures: number[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly ttlMs: number,
  ) {}

  /** A new response_url, valid from now; `source` is the message an interaction ran on, if any. */
  issue(source?: Json): string {
    const path = `/respond/${randomUUID()}`;
    this.issued.set(path, { createdAt: Date.now(), uses: 0, ...(source ? { source } : {}) });
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
    if (url.source && body.replace_original !== false)
      this.sourcesReplaced.push({ path, source: url.source, body });
    return answer(200);
  }
}
