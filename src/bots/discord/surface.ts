/**
 * Where a Discord job answers, rebuilt from plain JSON (the reply target) and the REST client alone, so a
 * process without the gateway can answer too. Routes, best first; the runtime's policy picks among them.
 */
import { z } from 'zod';
import type { PlatformKit } from '../../commands/job.js';
import { type ChatJob, describeAsk } from '../../commands/request.js';
import { fileInput } from '../../commands/shared-file.js';
import type { SummaryReply } from '../../commands/summarize.js';
import type { ReplySurface, Route } from '../../commands/surface.js';
import { isRecapError, RecapError } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import { apiMessageFacts } from './facts.js';
import { askFromReplied } from './map-event.js';
import {
  type DiscordPayload,
  renderDirect,
  renderDone,
  renderError,
  renderProgress,
  renderSummary,
  renderSummaryText,
  renderText,
  renderThreadHeader,
  threadName,
} from './render.js';
import { type DiscordCalls, EPHEMERAL } from './rest-calls.js';

export const InteractionSchema = z.object({
  applicationId: z.string(),
  token: z.string(),
  issuedAt: z.number(),
});

/** Where a Discord job answers: plain JSON, kept with the job. */
export const DiscordTargetSchema = z.discriminatedUnion('kind', [
  /** /summarize: the deferred reply (`originalId`) shows progress; the bullets go in a thread on it. */
  z.object({
    kind: z.literal('slash'),
    interaction: InteractionSchema,
    channelId: z.string(),
    originalId: z.string().optional(),
    /** Whether threads can be started in this channel (text and announcement channels). */
    threads: z.boolean(),
  }),
  /** Apps → Summarize: status in a private reply; the bullets where the message is (its thread). */
  z.object({
    kind: z.literal('message-command'),
    interaction: InteractionSchema,
    channelId: z.string(),
    messageId: z.string(),
    place: z.enum(['its-thread', 'thread-on-it', 'its-channel']),
  }),
  /** A mention: a placeholder message the bot posted, edited with progress and the result. */
  z.object({ kind: z.literal('mention'), channelId: z.string(), placeholderId: z.string() }),
]);
export type DiscordTarget = z.infer<typeof DiscordTargetSchema>;

export function discordKit(calls: DiscordCalls, fetchFile: SafeFetch): PlatformKit {
  return {
    surface: (job) => discordSurface(calls, DiscordTargetSchema.parse(job.target), job),
    // Attachments are public CDN links: fetched like any link, with no credential at all.
    file: (file) =>
      fileInput(file, fetchFile, async () => {
        if (!file.url)
          throw new RecapError('unsupported_input', `Discord gave no download link for ${file.name}.`);
        return { url: new URL(file.url) };
      }),
    // The message a mention replied to, read only now that the person has been admitted.
    message: async (channel, id, signal) => {
      const raw = await calls.message(channel, id, signal).catch((error: RecapError) => {
        if (error.code !== 'surface_gone') throw error;
        throw new RecapError('empty_document', 'The message you replied to is gone.', { cause: error });
      });
      return askFromReplied(apiMessageFacts(raw));
    },
  };
}

/**
 * One summary and one failure notice per job however often it runs (a worker that died mid-delivery):
 * every message a job posts carries one of these nonces, which Discord enforces for a few minutes.
 */
export function jobNonces(job: ChatJob): Nonces {
  return {
    summary: `s${job.origin.requestId}`.slice(0, 25),
    failure: `f${job.origin.requestId}`.slice(0, 25),
  };
}
export type Nonces = { summary: string; failure: string };

function discordSurface(calls: DiscordCalls, target: DiscordTarget, job: ChatJob): ReplySurface {
  const nonces = jobNonces(job);
  const direct = (payload: DiscordPayload, nonce: string): Route => ({
    via: 'direct',
    send: () => calls.direct(job.origin.user, renderDirect(payload, job.origin.channel), nonce),
  });
  const name = (reply: SummaryReply) =>
    threadName(reply.title, job.command.kind === 'summarize' ? describeAsk(job.command.ask) : 'summary');
  switch (target.kind) {
    case 'slash':
      return slashSurface(calls, target, direct, name, nonces);
    case 'message-command':
      return messageCommandSurface(calls, target, direct, name, job.origin.user, nonces);
    case 'mention':
      return mentionSurface(calls, target, direct, nonces);
  }
}

type Direct = (payload: DiscordPayload, nonce: string) => Route;
type Name = (reply: SummaryReply) => string;

const inPlace = (reply: SummaryReply): DiscordPayload => ({ ...renderSummary(reply), content: '' });

/**
 * The /summarize (or /recap) reply is the bot's own message: changed with the interaction token while it
 * lives, then with the bot token (which can edit it too, when its id is known).
 */
export function slashReply(
  calls: DiscordCalls,
  target: Pick<Extract<DiscordTarget, { kind: 'slash' }>, 'interaction' | 'channelId' | 'originalId'> & {
    threads?: boolean;
  },
  nonces: Nonces,
) {
  const { interaction, channelId, originalId } = target;
  const orByBot = (withToken: () => Promise<unknown>, byBot: (id: string) => Promise<unknown>) => () =>
    withToken().catch((error: unknown) => {
      if (!originalId) throw error;
      return byBot(originalId);
    });
  return {
    replace: (body: DiscordPayload) =>
      orByBot(
        () => calls.editOriginal(interaction, body),
        (id) => calls.edit(channelId, id, body),
      ),
    remove: orByBot(
      () => calls.deleteOriginal(interaction),
      (id) => calls.remove(channelId, id),
    ),
    withToken: (body: DiscordPayload): Route => ({
      via: 'interaction',
      send: () => calls.editOriginal(interaction, body),
    }),
    byBot: (body: DiscordPayload): Route[] =>
      originalId ? [{ via: 'bot', send: () => calls.edit(channelId, originalId, body) }] : [],
    /** The bullets in a thread started on the reply, where the channel has threads. */
    inThread: (reply: SummaryReply, name: string, tidy: () => Promise<unknown>): Route[] =>
      target.threads && originalId
        ? [
            {
              via: 'bot',
              send: () =>
                postInThread(
                  calls,
                  { channelId, messageId: originalId, name },
                  renderSummary(reply),
                  nonces.summary,
                ),
              tidy,
            },
          ]
        : [],
  };
}

function slashSurface(
  calls: DiscordCalls,
  target: Extract<DiscordTarget, { kind: 'slash' }>,
  direct: Direct,
  name: Name,
  nonces: Nonces,
): ReplySurface {
  const reply = slashReply(calls, target, nonces);
  const privately = (error: unknown): Route => ({
    via: 'interaction',
    send: () => calls.followUp(target.interaction, { ...renderError(error), flags: EPHEMERAL }),
    tidy: reply.remove,
  });
  return {
    progress: (progress) => reply.withToken(renderProgress(progress)),
    deliver: (summary) => [
      ...reply.inThread(summary, name(summary), reply.replace(renderThreadHeader(summary))),
      reply.withToken(inPlace(summary)),
      ...reply.byBot(inPlace(summary)),
      ...reply.byBot(renderSummaryText(summary)),
      { ...direct(renderSummary(summary), nonces.summary), tidy: reply.replace(renderDone(undefined)) },
    ],
    fail: (error) => [
      privately(error),
      { ...direct(renderError(error), nonces.failure), tidy: reply.remove },
      ...reply.byBot(renderError(error)),
    ],
  };
}

function messageCommandSurface(
  calls: DiscordCalls,
  target: Extract<DiscordTarget, { kind: 'message-command' }>,
  direct: Direct,
  name: Name,
  user: string,
  nonces: Nonces,
): ReplySurface {
  const { interaction, channelId, messageId } = target;
  let place = channelId;
  // The status is a private reply: only the token can change it, and only while it lives.
  const status = (body: DiscordPayload) => () => calls.editOriginal(interaction, body);
  return {
    progress: (progress) => ({ via: 'interaction', send: status(renderProgress(progress)) }),
    deliver: (reply) => [
      {
        via: 'bot',
        async send() {
          const thread = { channelId, messageId, name: name(reply) };
          if (target.place === 'thread-on-it')
            place = (await postInThread(calls, thread, renderSummary(reply), nonces.summary)).channelId;
          else await calls.send(place, renderSummary(reply), nonces.summary);
        },
        tidy: () => status(renderDone(place))(),
      },
      { via: 'interaction', send: status(inPlace(reply)) },
      { ...direct(renderSummary(reply), nonces.summary), tidy: status(renderDone(undefined)) },
    ],
    fail: (error) => [
      { via: 'interaction', send: status(renderError(error)) },
      direct(renderError(error), nonces.failure),
      // The last resort, once the private status has expired and direct messages are closed: a short
      // reply under the message, naming the person (allowed_mentions pings nobody).
      {
        via: 'bot',
        send: () =>
          calls.send(
            channelId,
            {
              ...renderError(error, user),
              message_reference: { message_id: messageId, fail_if_not_exists: false },
            },
            nonces.failure,
          ),
      },
    ],
  };
}

function mentionSurface(
  calls: DiscordCalls,
  target: Extract<DiscordTarget, { kind: 'mention' }>,
  direct: Direct,
  nonces: Nonces,
): ReplySurface {
  const { channelId, placeholderId } = target;
  const removePlaceholder = () => calls.remove(channelId, placeholderId);
  return {
    progress: (progress) => ({
      via: 'bot',
      send: () => calls.edit(channelId, placeholderId, renderProgress(progress)),
    }),
    deliver: (reply) => [
      { via: 'bot', send: () => calls.edit(channelId, placeholderId, inPlace(reply)) },
      { via: 'bot', send: () => calls.edit(channelId, placeholderId, renderSummaryText(reply)) },
      {
        via: 'bot',
        send: () => calls.send(channelId, renderSummary(reply), nonces.summary),
        tidy: removePlaceholder,
      },
      { ...direct(renderSummary(reply), nonces.summary), tidy: removePlaceholder },
    ],
    fail: (error) => [
      { via: 'bot', send: () => calls.edit(channelId, placeholderId, renderError(error)) },
      { ...direct(renderError(error), nonces.failure), tidy: removePlaceholder },
    ],
  };
}

/** Said in a thread recap started and then could not post the answer in, when it may not delete it. */
export const EMPTY_THREAD_NOTE =
  'recap could not post the answer in this thread; the person who asked got it another way.';

/**
 * The answer in a thread on a message. A thread started for it that stays empty (the post failed) is
 * deleted, or, where recap may not delete it (Manage Threads), says why it is empty.
 */
async function postInThread(
  calls: DiscordCalls,
  on: { channelId: string; messageId: string; name: string },
  body: DiscordPayload,
  nonce: string,
): Promise<{ channelId: string }> {
  const thread = await calls.startThread(on.channelId, on.messageId, on.name);
  try {
    await calls.send(thread.id, body, nonce);
    return { channelId: thread.id };
  } catch (error) {
    // A failure that may pass is tried again by the policy, in this same thread.
    if (thread.started && !(isRecapError(error) && error.retryable))
      await calls
        .removeThread(thread.id)
        .catch(() => calls.send(thread.id, renderText(EMPTY_THREAD_NOTE)))
        .catch(() => undefined);
    throw error;
  }
}
