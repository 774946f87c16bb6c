/**
 * Where a Slack job answers, rebuilt from plain JSON (the reply target) with a WebClient and the
 * response_url: routes, best first, for the runtime's policy to pick among.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { PlatformKit } from '../../commands/job.js';
import type { Ask, ChatJob, SharedFile } from '../../commands/request.js';
import { fileInput } from '../../commands/shared-file.js';
import type { ReplySurface, Route } from '../../commands/surface.js';
import { RecapError } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import { askFromMessage, NOTHING_IN_PARENT, SlackFile, SlackMessage } from './map-event.js';
import {
  renderDirect,
  renderError,
  renderParentDone,
  renderParentElsewhere,
  renderProgress,
  renderSummary,
  type SlackMessagePayload,
} from './render.js';
import { ResponseUrlSchema, type SlackCalls, slackSurfaceError } from './slack-calls.js';

/** Where a Slack job answers: plain JSON, kept with the job. */
export const SlackTargetSchema = z.discriminatedUnion('kind', [
  /** /summarize: a parent message in the channel shows progress; the bullets go in its thread. */
  z.object({
    kind: z.literal('command'),
    channel: z.string(),
    parentTs: z.string(),
    responseUrl: ResponseUrlSchema.optional(),
  }),
  /** A shortcut, a mention or a direct message: a placeholder in the thread becomes the answer. */
  z.object({
    kind: z.literal('thread'),
    channel: z.string(),
    threadTs: z.string(),
    placeholderTs: z.string(),
    responseUrl: ResponseUrlSchema.optional(),
  }),
]);
export type SlackTarget = z.infer<typeof SlackTargetSchema>;

export interface SlackKitOptions {
  calls: SlackCalls;
  /** For files.info and conversations.replies: reading, not answering. */
  client: WebClient;
  botToken: string;
  /** The hosts of Slack's private files (SLACK_FILE_HOSTS): the only ones sent the bot token. */
  fileHosts: readonly string[];
  fetchFile: SafeFetch;
}

export function slackKit(options: SlackKitOptions): PlatformKit {
  return {
    surface: (job) => slackSurface(options.calls, SlackTargetSchema.parse(job.target), job),
    file: (file) => fileInput(file, options.fetchFile, () => locateFile(file, options)),
    message: (channel, ts) => parentAsk(options.client, channel, ts),
  };
}

/**
 * A file's download address, from the event or from files.info. The bot token goes only to Slack's own
 * file hosts: a remote file's url_private is its external address, which may be anywhere.
 */
async function locateFile(file: SharedFile, options: SlackKitOptions) {
  let address = file.url;
  if (!address && file.id) {
    const info = await options.client.files.info({ file: file.id }).catch((error: unknown) => {
      throw slackSurfaceError(error);
    });
    const described = SlackFile.parse(info.file);
    address = described.url_private_download ?? described.url_private;
  }
  if (!address) throw new RecapError('unsupported_input', `Slack gave no download link for ${file.name}.`);
  const url = new URL(address);
  return mayHaveToken(url, options.fileHosts)
    ? { url, headers: { authorization: `Bearer ${options.botToken}` } }
    : { url };
}

/** Only a listed host, and only over https (plain http only to this machine, as in tests). */
export function mayHaveToken(url: URL, fileHosts: readonly string[]): boolean {
  const listed = fileHosts.includes(url.host) || fileHosts.includes(url.hostname);
  const secure = url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return listed && secure;
}

/** The thread's parent, as an Ask: its file, link or text. */
async function parentAsk(client: WebClient, channel: string, ts: string): Promise<Ask> {
  const replies = await client.conversations
    .replies({ channel, ts, limit: 1, inclusive: true })
    .catch((error: unknown) => {
      throw slackSurfaceError(error);
    });
  const parent = SlackMessage.safeParse(replies.messages?.[0]);
  const ask = parent.success ? askFromMessage(parent.data) : undefined;
  if (!ask) throw new RecapError('empty_document', NOTHING_IN_PARENT);
  return ask;
}

function slackSurface(calls: SlackCalls, target: SlackTarget, job: ChatJob): ReplySurface {
  const { channel, responseUrl } = target;
  const user = job.origin.user;
  const privately = (payload: SlackMessagePayload, tidy?: () => Promise<unknown>): Route[] =>
    responseUrl
      ? [{ via: 'response_url', send: () => calls.respond(responseUrl, payload), ...(tidy ? { tidy } : {}) }]
      : [];
  const direct = (payload: SlackMessagePayload, tidy: () => Promise<unknown>): Route => ({
    via: 'direct',
    send: () => calls.direct(user, renderDirect(payload, channel)),
    tidy,
  });
  const threadTs = target.kind === 'command' ? target.parentTs : target.threadTs;
  const placeholderTs = target.kind === 'command' ? target.parentTs : target.placeholderTs;
  // No placeholder is left behind: removed, or (where it cannot be) marked as answered elsewhere.
  const clear = () =>
    calls
      .remove(channel, placeholderTs)
      .catch(() => calls.update(channel, placeholderTs, renderParentElsewhere()));
  const update = (payload: SlackMessagePayload) => () => calls.update(channel, placeholderTs, payload);
  const progress = (p: Parameters<ReplySurface['progress']>[0]): Route => ({
    via: 'bot',
    send: update(renderProgress(p)),
  });
  if (target.kind === 'command') {
    return {
      progress,
      deliver: (reply) => [
        {
          via: 'bot',
          send: () => calls.post(channel, renderSummary(reply), threadTs),
          tidy: update(renderParentDone(reply)),
        },
        ...privately(renderSummary(reply), clear),
        direct(renderSummary(reply), clear),
      ],
      fail: (error) => [
        ...privately(renderError(error), clear),
        { via: 'bot', send: () => calls.ephemeral(channel, user, renderError(error)), tidy: clear },
        direct(renderError(error), clear),
        { via: 'bot', send: update(renderError(error)) },
      ],
    };
  }
  return {
    progress,
    deliver: (reply) => [
      { via: 'bot', send: update(renderSummary(reply)) },
      { via: 'bot', send: () => calls.post(channel, renderSummary(reply), threadTs), tidy: clear },
      ...privately(renderSummary(reply), clear),
      direct(renderSummary(reply), clear),
    ],
    fail: (error) => [
      { via: 'bot', send: update(renderError(error)) },
      ...privately(renderError(error), clear),
      { via: 'bot', send: () => calls.ephemeral(channel, user, renderError(error), threadTs), tidy: clear },
      direct(renderError(error), clear),
    ],
  };
}
