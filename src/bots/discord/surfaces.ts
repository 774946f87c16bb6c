import {
  ChannelType,
  type ChatInputCommandInteraction,
  type Client,
  DiscordAPIError,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  type ThreadChannel,
} from 'discord.js';
import type { ReplySurface } from '../../commands/chat-job.js';
import { describeCauses } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { describeAsk } from './facts.js';
import type { Ask } from './map-event.js';
import {
  NO_MENTIONS,
  renderError,
  renderProgress,
  renderSummary,
  renderText,
  renderThreadHeader,
  threadName,
} from './render.js';

/** What the surfaces need from the running bot. */
export interface SurfaceContext {
  client: Client;
  /** How long an interaction token lives (15 minutes at Discord). */
  interactionTtlMs: number;
  log: Logger;
}

/** Where an answer is posted: a thread, or a channel without threads (a DM). */
type Place = Pick<ThreadChannel, 'id' | 'send'>;

/** Invalid Webhook Token / Unknown Webhook: the interaction token has expired. */
const EXPIRED_TOKEN_CODES = new Set([50027, 10015]);
const THREAD_EXISTS = 160004;
const THREAD_PARENTS = new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement]);

export async function slashSurface(
  context: SurfaceContext,
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
  ask: Ask,
): Promise<ReplySurface> {
  await interaction.deferReply();
  const token = interactionToken(receivedAt, context.interactionTtlMs);
  const replyMessage = await interaction.fetchReply().catch(() => undefined);
  const channel = interaction.channel;
  return {
    progress: (progress) =>
      token.alive() ? interaction.editReply(renderProgress(progress)) : Promise.resolve(),
    async deliver(reply) {
      if (replyMessage && channel && THREAD_PARENTS.has(channel.type)) {
        const thread = await threadOn(context, replyMessage, threadName(reply.title, describeAsk(ask))).catch(
          (error: unknown) => {
            // Without Create Public Threads the summary still arrives, in the reply itself.
            context.log.warn(
              `discord: no thread on the reply (${describeCauses(error)}); answering in the reply`,
            );
            return undefined;
          },
        );
        if (thread) {
          await thread.send(renderSummary(reply));
          await token.attempt(
            () => interaction.editReply(renderThreadHeader(reply)),
            () => replyMessage.edit(renderThreadHeader(reply)),
          );
          return;
        }
      }
      await token.attempt(
        () => interaction.editReply({ ...renderSummary(reply), content: '' }),
        () => sendTo(channel, renderSummary(reply)),
      );
    },
    async fail(error) {
      await token.attempt(
        async () => {
          await interaction.deleteReply();
          await interaction.followUp({ ...renderError(error), flags: MessageFlags.Ephemeral });
        },
        () => sendTo(channel, renderError(error)),
      );
    },
  };
}

/** Apps → Summarize: status in an ephemeral reply, the bullets in a thread on that message. */
export async function messageCommandSurface(
  context: SurfaceContext,
  interaction: MessageContextMenuCommandInteraction,
  receivedAt: number,
  ask: Ask,
): Promise<ReplySurface> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const token = interactionToken(receivedAt, context.interactionTtlMs);
  const target = interaction.targetMessage;
  return {
    progress: (progress) =>
      token.alive() ? interaction.editReply(renderProgress(progress)) : Promise.resolve(),
    async deliver(reply) {
      const place = await answerPlace(context, target, threadName(reply.title, describeAsk(ask)));
      await place.send(renderSummary(reply));
      if (token.alive())
        await interaction.editReply(
          renderText(
            `✅ Done: the summary is in ${place.id === target.channelId ? 'this channel' : `<#${place.id}>`}.`,
          ),
        );
    },
    async fail(error) {
      await token.attempt(
        () => interaction.editReply(renderError(error)),
        () => sendTo(target.channel, renderError(error)),
      );
    },
  };
}

/** A mention: a placeholder in the thread of the message asked about, edited with progress and the result. */
export async function mentionSurface(
  context: SurfaceContext,
  message: Message,
  target: Message,
  ask: Ask,
): Promise<ReplySurface> {
  let placeholder: Message;
  try {
    const place = await answerPlace(context, target, threadName(undefined, describeAsk(ask)));
    placeholder =
      place.id === message.channelId && place.id === target.channelId
        ? await message.reply(renderProgress({ stage: 'reading' }))
        : await place.send(renderProgress({ stage: 'reading' }));
  } catch (error) {
    context.log.warn(`discord: no thread for message ${target.id}: ${describeCauses(error)}`);
    placeholder = await message.reply(renderProgress({ stage: 'reading' }));
  }
  return {
    progress: (progress) => placeholder.edit(renderProgress(progress)),
    deliver: (reply) => placeholder.edit({ ...renderSummary(reply), content: '' }),
    fail: (error) => placeholder.edit(renderError(error)),
  };
}

/** The thread the answer goes in: the one the message is in, the one on it, or a new one on it. */
async function answerPlace(context: SurfaceContext, message: Message, name: string): Promise<Place> {
  const channel = message.channel;
  if (channel.isThread()) return channel;
  if (!THREAD_PARENTS.has(channel.type)) return channel as unknown as Place;
  return threadOn(context, message, name);
}

async function threadOn(context: SurfaceContext, message: Message, name: string): Promise<ThreadChannel> {
  if (message.hasThread && message.thread) return message.thread;
  try {
    return await message.startThread({ name, autoArchiveDuration: 1440 });
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === THREAD_EXISTS) {
      const existing = await context.client.channels.fetch(message.id);
      if (existing?.isThread()) return existing;
    }
    throw error;
  }
}

/**
 * An interaction token lives 15 minutes. Past that (with a margin), or when Discord says it has
 * expired, the answer goes out as an ordinary message instead of failing.
 */
function interactionToken(receivedAt: number, ttlMs: number) {
  const margin = Math.min(60_000, ttlMs / 10);
  let expired = false;
  const alive = () => !expired && Date.now() - receivedAt < ttlMs - margin;
  return {
    alive,
    async attempt(withToken: () => Promise<unknown>, withoutToken: () => Promise<unknown>): Promise<void> {
      if (alive()) {
        try {
          await withToken();
          return;
        } catch (error) {
          if (
            !(
              error instanceof DiscordAPIError &&
              typeof error.code === 'number' &&
              EXPIRED_TOKEN_CODES.has(error.code)
            )
          )
            throw error;
          expired = true;
        }
      }
      await withoutToken();
    },
  };
}

async function sendTo(channel: unknown, payload: ReturnType<typeof renderText>): Promise<void> {
  const sendable = channel as { send?: (payload: unknown) => Promise<unknown> } | null;
  if (!sendable?.send) throw new Error('the channel is not available to send to');
  await sendable.send({ ...payload, allowed_mentions: NO_MENTIONS });
}
