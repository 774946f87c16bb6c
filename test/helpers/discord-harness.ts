import { type ChatRuntimeSeams, createChatRuntime, createRecap } from '../../src/app.js';
import { type DiscordBot, startDiscordBot } from '../../src/bots/discord/bot.js';
import type { ChatRuntime } from '../../src/commands/runtime.js';
import { loadConfig } from '../../src/config.js';
import type { LogLevel } from '../../src/core/log.js';
import { BOT_TOKEN, type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { collectingLogger } from './logs.js';

export { waitFor } from './wait-for.js';

export interface DiscordHarness {
  discord: FakeDiscord;
  ollama: FakeOllama;
  bot: DiscordBot;
  runtime: ChatRuntime;
  logs: string[];
  close(): Promise<void>;
}

/** The real discord.js bot, logged in to a fake Discord, summarizing with a fake Ollama. */
export async function startDiscordHarness(
  options: {
    discord?: FakeDiscordOptions;
    ollama?: FakeOllamaOptions;
    /** Settings; a function of the fake when they name its ids (a channel to deny). */
    env?: Record<string, string> | ((discord: FakeDiscord) => Record<string, string>);
    interactionTtlMs?: number;
    allowedGuilds?: string[];
    userLimit?: number;
    /** What the logger says LOG_LEVEL is (it keeps every line whatever it says). */
    logLevel?: LogLevel;
    /** The chat runtime's seams (a front's shared admission, for one). */
    seams?: ChatRuntimeSeams;
  } = {},
): Promise<DiscordHarness> {
  const [discord, ollama] = await Promise.all([
    startFakeDiscord(options.discord),
    startFakeOllama(options.ollama),
  ]);
  const config = loadConfig({
    OLLAMA_HOST: ollama.url,
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_REST_API: discord.restApi,
    RECAP_USER_LIMIT: String(options.userLimit ?? 100),
    RECAP_USER_WINDOW_S: '60',
    ...(options.allowedGuilds ? { DISCORD_ALLOWED_GUILDS: options.allowedGuilds.join(',') } : {}),
    ...(typeof options.env === 'function' ? options.env(discord) : options.env),
  });
  const logs: string[] = [];
  const log = collectingLogger(logs, {}, options.logLevel);
  const recap = createRecap(config);
  const runtime = createChatRuntime(config, recap, log, { progressIntervalMs: 0, ...options.seams });
  const bot = await startDiscordBot({
    token: BOT_TOKEN,
    restApi: discord.restApi,
    interactionTtlMs: options.interactionTtlMs ?? 15 * 60_000,
    runtime,
    fetchFile: recap.fetch,
    log,
  });
  return {
    discord,
    ollama,
    bot,
    runtime,
    logs,
    async close() {
      await runtime.stop();
      await bot.stop();
      await Promise.all([discord.close(), ollama.close()]);
    },
  };
}
