import {
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  Partials,
} from 'discord.js';
import type { Recap } from '../../app.js';
import { runChatJob } from '../../commands/chat-job.js';
import { describeCauses } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import type { Logger } from '../../core/log.js';
import type { RateLimiter } from '../../core/rate-limit.js';
import { COMMAND_NAME, MESSAGE_COMMAND_NAME } from './commands.js';
import { attachmentRef, chatAsk, messageFacts } from './facts.js';
import {
  askFromMessage,
  type Mapped,
  mapMention,
  mapSlashCommand,
  mentionsBot,
  type SummarizeAsk,
} from './map-event.js';
import { renderText } from './render.js';
import { mentionSurface, messageCommandSurface, slashSurface } from './surfaces.js';

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
  const surfaceContext = { client, interactionTtlMs: options.interactionTtlMs, log };
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
    const asked = askForCommand(interaction);
    if (!asked.ok) {
      await interaction.reply({ ...renderText(asked.problem), flags: MessageFlags.Ephemeral });
      return;
    }
    const { ask, language } = asked.value;
    const surface = interaction.isChatInputCommand()
      ? await slashSurface(surfaceContext, interaction, receivedAt, ask)
      : await messageCommandSurface(surfaceContext, interaction, receivedAt, ask);
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
    const surface = await mentionSurface(surfaceContext, message, target, decision.ask);
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

/** What a slash command's options, or the message an Apps command names, ask to summarize. */
function askForCommand(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
): Mapped<SummarizeAsk> {
  if (interaction.isChatInputCommand()) {
    return mapSlashCommand({
      link: interaction.options.getString('link'),
      text: interaction.options.getString('text'),
      language: interaction.options.getString('language'),
      file: attachmentRef(interaction.options.getAttachment('file')),
    });
  }
  const ask = askFromMessage(messageFacts(interaction.targetMessage));
  return ask
    ? { ok: true, value: { ask } }
    : { ok: false, problem: 'That message has no link, file or text to summarize.' };
}
