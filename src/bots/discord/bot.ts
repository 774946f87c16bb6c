/**
 * The Discord front: discord.js on the gateway, each event mapped (map-event.ts) and handed to the chat
 * runtime as an intake. The answers are made by the REST calls alone (surface.ts), from the job's target.
 */
import {
  ChannelType,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Message,
  type MessageContextMenuCommandInteraction,
  Partials,
  type TextBasedChannel,
} from 'discord.js';
import { describeAsk } from '../../commands/request.js';
import type { ChatRuntime, Intake } from '../../commands/runtime.js';
import { describeCauses } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import type { Logger } from '../../core/log.js';
import { COMMAND_NAME, MESSAGE_COMMAND_NAME, RECAP_COMMAND_NAME, RECAP_FROM_HERE_NAME } from './commands.js';
import { attachmentRef, messageFacts } from './facts.js';
import { commandIntake } from './interaction-intake.js';
import { mapMention, mapMessageCommand, mapSlashCommand, mentionsBot } from './map-event.js';
import { historyRest } from './recap-history.js';
import { recapFromHereIntake, recapIntake } from './recap-intake.js';
import { discordRecapKit } from './recap-surface.js';
import { renderDirect, renderProgress, renderText, threadName } from './render.js';
import { DiscordCalls } from './rest-calls.js';
import { type DiscordTarget, discordKit } from './surface.js';

export interface DiscordBotOptions {
  token: string;
  /** Discord's REST API root (DISCORD_REST_API): https://discord.com/api, a proxy, or a test server. */
  restApi: string;
  /** How long an interaction token lives (15 minutes at Discord). */
  interactionTtlMs: number;
  runtime: ChatRuntime;
  /** Attachments are fetched like links: through the safe fetcher, bounded in size and time. */
  fetchFile: SafeFetch;
  log: Logger;
  /** Gateway shards (DISCORD_SHARDS): 'auto' or a count, all in this process; one shard when unset. */
  shards?: 'auto' | number | undefined;
}

/**
 * Shards in this process (discord.js's internal sharding): 'auto' takes the count Discord recommends
 * (GET /gateway/bot, one shard per about 1,000 servers; required from 2,500), a number runs that many.
 * A front only acknowledges and queues, so one process carries every shard; the discord.js guide's
 * ShardingManager (a process per shard) would only repeat what fronts and workers already split.
 */
export function gatewayShards(
  shards: DiscordBotOptions['shards'],
): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (shards === undefined) return {};
  if (shards === 'auto') return { shards: 'auto' };
  return { shards: Array.from({ length: shards }, (_, id) => id), shardCount: shards };
}

export interface DiscordBot {
  client: Client;
  /** Disconnects; stop the runtime first, so the jobs under way can still answer. */
  stop(): Promise<void>;
}

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
    ...gatewayShards(options.shards),
  });
  const { runtime } = options;
  const log = options.log.child({ platform: 'discord' });
  const calls = new DiscordCalls(client.rest, options.interactionTtlMs);
  // History is read with a REST client of its own: its rate limits never hold up the answers.
  const recaps = discordRecapKit(calls, historyRest(options));
  runtime.executor.attach('discord', { ...discordKit(calls, options.fetchFile), recaps });
  wireLogs(client, log);

  client.on(Events.InteractionCreate, (interaction) => {
    const receivedAt = Date.now();
    if (interaction.isChatInputCommand() && interaction.commandName === COMMAND_NAME) {
      runtime.receive(slashIntake(interaction, receivedAt, calls));
    } else if (
      interaction.isMessageContextMenuCommand() &&
      interaction.commandName === MESSAGE_COMMAND_NAME
    ) {
      runtime.receive(messageCommandIntake(interaction, receivedAt, calls));
    } else if (interaction.isChatInputCommand() && interaction.commandName === RECAP_COMMAND_NAME) {
      runtime.receive(recapIntake(interaction, receivedAt, calls));
    } else if (
      interaction.isMessageContextMenuCommand() &&
      interaction.commandName === RECAP_FROM_HERE_NAME
    ) {
      runtime.receive(recapFromHereIntake(interaction, receivedAt, calls));
    }
  });

  client.on(Events.MessageCreate, (message) => {
    const botId = client.user?.id;
    if (!botId || message.author.bot || !mentionsBot(message.content, botId)) return;
    const receivedAt = Date.now();
    const intake = mentionIntake(message, botId, receivedAt, calls);
    if (intake) runtime.receive(intake);
  });

  await client.login(options.token);
  log.info(`discord: logged in as ${client.user?.tag ?? 'unknown'}`);
  return { client, stop: () => client.destroy() };
}

function wireLogs(client: Client, log: Logger): void {
  client.on(Events.Error, (error) => log.error(`discord: ${describeCauses(error)}`));
  client.on(Events.Warn, (message) => log.warn(`discord: ${message}`));
  if (log.level === undefined || log.level === 'debug') {
    client.on(Events.Debug, (message) => log.debug(`discord: ${message}`));
    client.rest.on('rateLimited', (limit) =>
      log.debug(`discord: rate limited on ${limit.route} for ${limit.retryAfter} ms`),
    );
  }
  client.on(Events.ShardResume, (id, replayed) =>
    log.info(`discord: gateway resumed (shard ${id}, ${replayed} events replayed)`),
  );
  client.on(Events.ShardDisconnect, (event, id) =>
    log.warn(`discord: gateway closed (shard ${id}, code ${event.code})`),
  );
}

/** /summarize: the reply, deferred at once, shows progress; the bullets go in a thread started on it. */
function slashIntake(
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
): Intake<DiscordTarget> {
  const request = mapSlashCommand({
    link: interaction.options.getString('link'),
    text: interaction.options.getString('text'),
    language: interaction.options.getString('language'),
    file: attachmentRef(interaction.options.getAttachment('file')),
  });
  const intake = commandIntake(interaction, receivedAt, calls, request, false);
  return {
    ...intake,
    open: async () => ({
      kind: 'slash',
      interaction: intake.token,
      channelId: interaction.channelId,
      // Its id lets the bot token edit the reply after the interaction token has expired.
      originalId: await calls.getOriginal(intake.token).then(
        (original) => original.id,
        () => undefined,
      ),
      threads: THREAD_PARENTS.has(interaction.channel?.type ?? ChannelType.DM),
    }),
  };
}

/** Apps → Summarize: a private status; the bullets in a thread on that message (or where it is). */
function messageCommandIntake(
  interaction: MessageContextMenuCommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
): Intake<DiscordTarget> {
  const target = interaction.targetMessage;
  const intake = commandIntake(interaction, receivedAt, calls, mapMessageCommand(messageFacts(target)), true);
  const channel = target.channel as TextBasedChannel;
  return {
    ...intake,
    open: async () => ({
      kind: 'message-command',
      interaction: intake.token,
      channelId: target.channelId,
      messageId: target.id,
      place: channel.isThread()
        ? 'its-thread'
        : THREAD_PARENTS.has(channel.type)
          ? 'thread-on-it'
          : 'its-channel',
    }),
  };
}

/**
 * A mention: a placeholder in the thread of the message asked about (a reply when that is not possible).
 * Nothing is asked of Discord before the runtime admits the person: a reply's message is read by the job.
 */
function mentionIntake(
  message: Message,
  botId: string,
  receivedAt: number,
  calls: DiscordCalls,
): Intake<DiscordTarget> | undefined {
  const { reference } = message;
  const replyTo =
    reference?.messageId && reference.channelId === message.channelId
      ? { channelId: reference.channelId, messageId: reference.messageId }
      : undefined;
  // discord.js keeps the `referenced_message` Discord sent with the event: no call to read it.
  const referenced = replyTo && message.channel.messages.cache.get(replyTo.messageId);
  const decision = mapMention(
    { ...messageFacts(message), referenced: referenced ? messageFacts(referenced) : undefined, replyTo },
    botId,
  );
  if (decision.action === 'ignore') return undefined;
  const askedId = decision.target === 'referenced' && replyTo ? replyTo.messageId : message.id;
  const reply = { message_id: message.id, fail_if_not_exists: false };
  return {
    origin: {
      requestId: message.id,
      platform: 'discord',
      ...(message.guildId ? { guild: message.guildId } : {}),
      channel: message.channelId,
      user: message.author.id,
      receivedAt,
    },
    request: decision.request,
    notice: (text) => [
      {
        via: 'bot',
        send: () => calls.send(message.channelId, { ...renderText(text), message_reference: reply }),
      },
      {
        via: 'direct',
        send: () => calls.direct(message.author.id, renderDirect(renderText(text), message.channelId)),
      },
    ],
    async open() {
      const ask = decision.request.ok ? decision.request.value.ask : undefined;
      const name = threadName(
        undefined,
        ask?.kind === 'message' ? 'the message replied to' : ask ? describeAsk(ask) : '',
      );
      const place = await placeFor(message, askedId, name, calls).catch(() => message.channelId);
      const placeholder = await calls.send(place, {
        ...renderProgress({ stage: 'reading' }),
        ...(place === message.channelId ? { message_reference: reply } : {}),
      });
      return { kind: 'mention', channelId: place, placeholderId: placeholder.id };
    },
  };
}

/**
 * The thread the answer goes in: the one the mention is in, the one on the message asked about (in the
 * mention's channel), or a new one on it.
 */
async function placeFor(
  mention: Message,
  askedId: string,
  name: string,
  calls: DiscordCalls,
): Promise<string> {
  const channel = mention.channel;
  if (channel.isThread() || !THREAD_PARENTS.has(channel.type)) return mention.channelId;
  return calls.threadOn(mention.channelId, askedId, name);
}
