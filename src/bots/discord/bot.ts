import {
  type Attachment,
  ChannelType,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  Partials,
  type ThreadChannel,
} from 'discord.js';
import type { Recap } from '../../app.js';
import { type ChatAsk, type ReplySurface, runChatJob } from '../../commands/chat-job.js';
import { describeCauses } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import type { Logger } from '../../core/log.js';
import type { RateLimiter } from '../../core/rate-limit.js';
import { COMMAND_NAME, MESSAGE_COMMAND_NAME } from './commands.js';
import {
  type Ask,
  type AttachmentRef,
  askFromMessage,
  type MessageFacts,
  mapMention,
  mapSlashCommand,
  mentionsBot,
} from './map-event.js';
import {
  NO_MENTIONS,
  renderError,
  renderProgress,
  renderSummary,
  renderText,
  renderThreadHeader,
  threadName,
} from './render.js';

export interface DiscordBotOptions {
  token: string;
  /** Discord's REST API root (DISCORD_REST_API): https://discord.com/api, a proxy, or a test server. */
  restApi: string;
  /** Guilds where the bot answers; all when undefined. */
  allowedGuilds?: ReadonlySet<string> | undefined;
  /** How long an interaction token lives (15 minutes at Discord). */
  interactionTtlMs: number;
  recap: Recap;
  fetchFile: SafeFetch;
  rateLimiter: RateLimiter;
  log: Logger;
  progressIntervalMs?: number;
}

export interface DiscordBot {
  client: Client;
  stop(): Promise<void>;
}

/** Where an answer is posted: a thread, or a channel without threads (a DM). */
type Place = Pick<ThreadChannel, 'id' | 'send'>;

/** Invalid Webhook Token / Unknown Webhook: the interaction token has expired. */
const EXPIRED_TOKEN_CODES = new Set([50027, 10015]);
const THREAD_EXISTS = 160004;
const THREAD_PARENTS = new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement]);

export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: options.restApi },
  });
  const shutdown = new AbortController();
  const jobs = new Set<Promise<void>>();
  const { log } = options;
  const track = (job: Promise<void>) => {
    jobs.add(job);
    void job.finally(() => jobs.delete(job));
  };
  const jobDeps = {
    recap: options.recap,
    fetchFile: options.fetchFile,
    log,
    ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
  };

  client.on(Events.Error, (error) => log.error(`discord: ${describeCauses(error)}`));
  client.on(Events.ShardResume, (id, replayed) =>
    log.info(`discord: gateway resumed (shard ${id}, ${replayed} events replayed)`),
  );
  client.on(Events.ShardDisconnect, (event, id) =>
    log.warn(`discord: gateway closed (shard ${id}, code ${event.code})`),
  );

  client.on(Events.InteractionCreate, (interaction) => {
    const receivedAt = Date.now();
    if (!interaction.isChatInputCommand() && !interaction.isMessageContextMenuCommand()) return;
    if (interaction.commandName !== COMMAND_NAME && interaction.commandName !== MESSAGE_COMMAND_NAME) return;
    track(
      handleCommand(interaction, receivedAt).catch((error: unknown) =>
        log.error(`discord: interaction ${interaction.id}: ${describeCauses(error)}`),
      ),
    );
  });

  client.on(Events.MessageCreate, (message) => {
    const botId = client.user?.id;
    if (!botId || message.author.bot) return;
    track(
      handleMention(message, botId).catch((error: unknown) =>
        log.error(`discord: message ${message.id}: ${describeCauses(error)}`),
      ),
    );
  });

  async function handleCommand(
    interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
    receivedAt: number,
  ): Promise<void> {
    const refusal = refusalFor(interaction.guildId, interaction.user.id);
    if (refusal) {
      await interaction.reply({ ...renderText(refusal), flags: MessageFlags.Ephemeral });
      return;
    }
    let ask: Ask;
    let language: string | undefined;
    if (interaction.isChatInputCommand()) {
      const mapped = mapSlashCommand({
        link: interaction.options.getString('link'),
        text: interaction.options.getString('text'),
        language: interaction.options.getString('language'),
        file: attachmentRef(interaction.options.getAttachment('file')),
      });
      if (!mapped.ok) {
        await interaction.reply({ ...renderText(mapped.problem), flags: MessageFlags.Ephemeral });
        return;
      }
      ask = mapped.value.ask;
      language = mapped.value.language;
    } else {
      const found = askFromMessage(messageFacts(interaction.targetMessage));
      if (!found) {
        await interaction.reply({
          ...renderText('That message has no link, file or text to summarize.'),
          flags: MessageFlags.Ephemeral,
        });
        return;
      }
      ask = found;
    }
    const surface = interaction.isChatInputCommand()
      ? await slashSurface(interaction, receivedAt, ask)
      : await messageCommandSurface(interaction, receivedAt, ask);
    await runChatJob(
      { ask: chatAsk(ask), language, label: `discord interaction ${interaction.id}` },
      surface,
      jobDeps,
      shutdown.signal,
    );
  }

  async function handleMention(message: Message, botId: string): Promise<void> {
    if (!mentionsBot(message.content, botId)) return;
    const referenced = message.reference?.messageId
      ? await message.fetchReference().catch(() => undefined)
      : undefined;
    const decision = mapMention(
      { ...messageFacts(message), referenced: referenced ? messageFacts(referenced) : undefined },
      botId,
    );
    if (decision.action === 'ignore') return;
    const refusal = refusalFor(message.guildId, message.author.id);
    if (refusal || decision.action === 'explain') {
      await message.reply(renderText(refusal ?? (decision.action === 'explain' ? decision.problem : '')));
      return;
    }
    const target = decision.target === 'referenced' && referenced ? referenced : message;
    const surface = await mentionSurface(message, target, decision.ask);
    await runChatJob(
      { ask: chatAsk(decision.ask), label: `discord message ${message.id}` },
      surface,
      jobDeps,
      shutdown.signal,
    );
  }

  function refusalFor(guildId: string | null, userId: string): string | undefined {
    if (options.allowedGuilds && (!guildId || !options.allowedGuilds.has(guildId))) {
      return 'recap is not enabled here. Ask an admin to add this server to DISCORD_ALLOWED_GUILDS.';
    }
    return options.rateLimiter.refusal(`discord:${userId}`);
  }

  /** A slash command: the deferred reply shows progress; the bullets go in a thread started on it. */
  async function slashSurface(
    interaction: ChatInputCommandInteraction,
    receivedAt: number,
    ask: Ask,
  ): Promise<ReplySurface> {
    await interaction.deferReply();
    const token = interactionToken(receivedAt, options.interactionTtlMs);
    const replyMessage = await interaction.fetchReply().catch(() => undefined);
    const channel = interaction.channel;
    return {
      progress: (progress) =>
        token.alive() ? interaction.editReply(renderProgress(progress)) : Promise.resolve(),
      async deliver(reply) {
        if (replyMessage && channel && THREAD_PARENTS.has(channel.type)) {
          const thread = await threadOn(replyMessage, threadName(reply.title, describeAsk(ask)));
          await thread.send(renderSummary(reply));
          await token.attempt(
            () => interaction.editReply(renderThreadHeader(reply)),
            () => replyMessage.edit(renderThreadHeader(reply)),
          );
          return;
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
  async function messageCommandSurface(
    interaction: MessageContextMenuCommandInteraction,
    receivedAt: number,
    ask: Ask,
  ): Promise<ReplySurface> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const token = interactionToken(receivedAt, options.interactionTtlMs);
    const target = interaction.targetMessage;
    return {
      progress: (progress) =>
        token.alive() ? interaction.editReply(renderProgress(progress)) : Promise.resolve(),
      async deliver(reply) {
        const place = await answerPlace(target, threadName(reply.title, describeAsk(ask)));
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
  async function mentionSurface(message: Message, target: Message, ask: Ask): Promise<ReplySurface> {
    let placeholder: Message;
    try {
      const place = await answerPlace(target, threadName(undefined, describeAsk(ask)));
      placeholder =
        place.id === message.channelId && place.id === target.channelId
          ? await message.reply(renderProgress({ stage: 'reading' }))
          : await place.send(renderProgress({ stage: 'reading' }));
    } catch (error) {
      log.warn(`discord: no thread for message ${target.id}: ${describeCauses(error)}`);
      placeholder = await message.reply(renderProgress({ stage: 'reading' }));
    }
    return {
      progress: (progress) => placeholder.edit(renderProgress(progress)),
      deliver: (reply) => placeholder.edit({ ...renderSummary(reply), content: '' }),
      fail: (error) => placeholder.edit(renderError(error)),
    };
  }

  /** The thread the answer goes in: the one the message is in, the one on it, or a new one on it. */
  async function answerPlace(message: Message, name: string): Promise<Place> {
    const channel = message.channel;
    if (channel.isThread()) return channel;
    if (!THREAD_PARENTS.has(channel.type)) return channel as unknown as Place;
    return threadOn(message, name);
  }

  async function threadOn(message: Message, name: string): Promise<ThreadChannel> {
    if (message.hasThread && message.thread) return message.thread;
    try {
      return await message.startThread({ name, autoArchiveDuration: 1440 });
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === THREAD_EXISTS) {
        const existing = await client.channels.fetch(message.id);
        if (existing?.isThread()) return existing;
      }
      throw error;
    }
  }

  await client.login(options.token);
  log.info(`discord: logged in as ${client.user?.tag ?? 'unknown'}`);
  return {
    client,
    async stop() {
      shutdown.abort(new Error('recap is shutting down'));
      await Promise.allSettled([...jobs]);
      await client.destroy();
    },
  };
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

function attachmentRef(attachment: Attachment | null): AttachmentRef | undefined {
  if (!attachment) return undefined;
  return {
    url: attachment.url,
    name: attachment.name,
    contentType: attachment.contentType ?? undefined,
    size: attachment.size,
  };
}

function messageFacts(message: Message): MessageFacts {
  return {
    id: message.id,
    content: message.content,
    attachments: [...message.attachments.values()].map(
      (attachment) => attachmentRef(attachment) as AttachmentRef,
    ),
    authorId: message.author.id,
    authorIsBot: message.author.bot,
  };
}

/** What was asked about, in a few words, to name a thread before the title is known. */
function describeAsk(ask: Ask): string {
  if (ask.kind === 'attachment') return ask.attachment.name;
  if (ask.kind === 'url') return `${ask.url.hostname}${ask.url.pathname === '/' ? '' : ask.url.pathname}`;
  return ask.text.split(/\s+/).slice(0, 8).join(' ');
}

function chatAsk(ask: Ask): ChatAsk {
  return ask.kind === 'attachment' ? { kind: 'file', file: ask.attachment } : ask;
}
