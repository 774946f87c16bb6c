/**
 * The Slack calls recap's answers are made of, each failure turned into a coded surface error: the Web
 * API through a WebClient that neither retries nor waits (the runtime's policy does both, per call,
 * without pausing every other request the way the client's own 429 handling does), and `response_url`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  coded as codedAs,
  DEFAULT_POLICY,
  DeliveryPolicy,
  type PolicyOptions,
  surfaceError,
} from '../../commands/surface.js';
import { RecapError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { SlackMessagePayload } from './render.js';

/** Every message: Slack must not turn names into mentions or unfurl what the model wrote. */
export const PLAIN = { parse: 'none', link_names: false, unfurl_links: false, unfurl_media: false } as const;

/** The WebClient options that leave retries and waits to the runtime's policy. */
export const CLIENT_OPTIONS = {
  rejectRateLimitedCalls: true,
  retryConfig: { retries: 0 },
  timeout: 15_000,
} as const;

export const INVITE =
  "I'm not in this channel, so I can't post the summary here. Invite me with `/invite @recap` and try again, or send me the link in a direct message.";

/**
 * A response_url: 30 minutes and 5 posts, then Slack refuses it ("Responding to user interactions",
 * https://api.slack.com/interactivity/handling#message_responses).
 */
export const ResponseUrlSchema = z.object({ url: z.string(), issuedAt: z.number(), uses: z.number() });
export type ResponseUrl = z.infer<typeof ResponseUrlSchema>;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;

const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'user_not_in_channel']);
const GONE = new Set([
  'message_not_found',
  'cant_update_message',
  'cant_delete_message',
  'edit_window_closed',
]);
const NOT_ALLOWED = new Set([
  'missing_scope',
  'restricted_action',
  'no_permission',
  'not_allowed_token_type',
  'ekm_access_denied',
]);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

type SlackClientError = Error & {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
};

/** The Web API's error, as the fallback policy reads it. */
export function slackSurfaceError(error: unknown): RecapError {
  if (error instanceof RecapError) return error;
  const { code, data, retryAfter, statusCode } = error as SlackClientError;
  if (code === 'slack_webapi_rate_limited_error')
    return surfaceError('rate_limited', { cause: error, retryAfterMs: (retryAfter ?? 1) * 1000 });
  if (code === 'slack_webapi_request_error') return surfaceError('transient', { cause: error });
  if (code === 'slack_webapi_http_error')
    return surfaceError((statusCode ?? 0) >= 500 ? 'transient' : 'surface_rejected', { cause: error });
  const reason = data?.error ?? '';
  if (reason === 'is_archived')
    return surfaceError('not_in_channel', {
      cause: error,
      userMessage: 'This channel is archived, so I cannot answer here.',
    });
  if (NOT_IN_CHANNEL.has(reason))
    return surfaceError('not_in_channel', { cause: error, userMessage: INVITE });
  if (GONE.has(reason)) return surfaceError('surface_gone', { cause: error });
  if (NOT_ALLOWED.has(reason)) return surfaceError('missing_permission', { cause: error });
  if (reason === 'ratelimited') return surfaceError('rate_limited', { cause: error });
  return surfaceError(TRANSIENT.has(reason) ? 'transient' : 'surface_rejected', { cause: error });
}

/** A Web API call, its failure turned into a coded surface error. */
export const coded = <T>(call: () => Promise<T>) => codedAs(call, slackSurfaceError);

export interface SlackCallsOptions {
  log: Logger;
  /** How reads are retried; the runtime's policy by default. */
  policy?: PolicyOptions;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export class SlackCalls {
  private readonly fetch: typeof globalThis.fetch;
  private readonly now: () => number;

  constructor(
    private readonly client: WebClient,
    private readonly options: SlackCallsOptions,
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /**
   * A read a job needs (a thread's parent, a file's details), with the runtime policy's retries: a 429
   * is waited out as Retry-After asks, a 5xx tried again, rather than failing the job with "slow down".
   */
  read<T>(what: string, call: (client: WebClient) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const policy = new DeliveryPolicy(this.options.log, {
      ...(this.options.policy ?? DEFAULT_POLICY),
      sleep: (ms) => sleep(ms, undefined, signal ? { signal } : {}),
    });
    return policy.retry(`request for ${what}`, () => coded(() => call(this.client)));
  }

  async post(channel: string, payload: SlackMessagePayload, threadTs?: string): Promise<string> {
    const posted = await coded(() =>
      this.client.chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...payload,
        ...PLAIN,
      }),
    );
    return String(posted.ts);
  }

  update(channel: string, ts: string, payload: SlackMessagePayload): Promise<unknown> {
    return coded(() => this.client.chat.update({ channel, ts, blocks: [], ...payload, ...PLAIN }));
  }

  remove(channel: string, ts: string): Promise<unknown> {
    return coded(() => this.client.chat.delete({ channel, ts }));
  }

  /** Seen only by `user`; Slack needs recap (and the person) in the channel. */
  ephemeral(
    channel: string,
    user: string,
    payload: SlackMessagePayload,
    threadTs?: string,
  ): Promise<unknown> {
    return coded(() =>
      this.client.chat.postEphemeral({
        channel,
        user,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...payload,
      }),
    );
  }

  /** A direct message: posted to the person's id, it lands in recap's Messages tab for them. */
  direct(user: string, payload: SlackMessagePayload): Promise<string> {
    return this.post(user, payload);
  }

  /** Whether a response_url can still be used: within 30 minutes, and fewer than 5 posts so far. */
  responseUrlAlive(responseUrl: ResponseUrl): boolean {
    return this.now() - responseUrl.issuedAt < RESPONSE_URL_TTL_MS && responseUrl.uses < RESPONSE_URL_USES;
  }

  /**
   * A private answer through the response_url; counts its use. `replaceOriginal` replaces the message the
   * interaction ran on (for a message shortcut, a public message; a slash command's has none).
   */
  async respond(
    responseUrl: ResponseUrl,
    payload: SlackMessagePayload,
    { replaceOriginal = false }: { replaceOriginal?: boolean } = {},
  ): Promise<void> {
    if (!this.responseUrlAlive(responseUrl)) throw surfaceError('surface_expired');
    responseUrl.uses += 1;
    let response: Response;
    try {
      response = await this.fetch(responseUrl.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: replaceOriginal, ...payload }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw surfaceError('transient', { cause: error });
    }
    await this.checkResponse(response);
  }

  private async checkResponse(response: Response): Promise<void> {
    const body = await response.text().catch(() => '');
    const cause = new Error(`response_url answered HTTP ${response.status}: ${body.slice(0, 200)}`);
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      throw surfaceError('rate_limited', {
        cause,
        retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      });
    }
    if (response.status >= 500) throw surfaceError('transient', { cause });
    // An expired or used-up response_url is refused with a 4xx (or, in some versions, an error body).
    if (response.status >= 400 || /"ok"\s*:\s*false/.test(body))
      throw surfaceError('surface_expired', { cause });
  }
}
