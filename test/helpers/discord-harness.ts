import { createRecap } from '../../src/app.js';
import { type DiscordBot, startDiscordBot } from '../../src/bots/discord/bot.js';
import { loadConfig } from '../../src/config.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { BOT_TOKEN, type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { collectingLogger } from './logs.js';

export interface DiscordHarness {
  discord: FakeDiscord;
  ollama: FakeOllama;
  bot: DiscordBot;
  logs: string[];
  close(): Promise<void>;
}

/** The real discord.js bot, logged in to a fake Discord, summarizing with a fake Ollama. */
export async function startDiscordHarness(
  options: {
    discord?: FakeDiscordOptions;
    ollama?: FakeOllamaOptions;
    env?: Record<string, string>;
    interactionTtlMs?: number;
    allowedGuilds?: string[];
    userLimit?: number;
  } = {},
): Promise<DiscordHarness> {
  const [discord, ollama] = await Promise.all([
    startFakeDiscord(options.discord),
    startFakeOllama(options.ollama),
  ]);
  const config = loadConfig({ OLLAMA_HOST: ollama.url, FETCH_ALLOW_HOSTS: '127.0.0.1', ...options.env });
  const logs: string[] = [];
  const log = collectingLogger(logs);
  const recap = createRecap(config);
  const bot = await startDiscordBot({
    token: BOT_TOKEN,
    restApi: discord.restApi,
    interactionTtlMs: options.interactionTtlMs ?? 15 * 60_000,
    allowedGuilds: options.allowedGuilds ? new Set(options.allowedGuilds) : undefined,
    recap,
    fetchFile: recap.fetch,
    rateLimiter: new RateLimiter({ limit: options.userLimit ?? 100, windowMs: 60_000 }),
    log,
    progressIntervalMs: 0,
  });
  return {
    discord,
    ollama,
    bot,
    logs,
    async close() {
      await bot.stop();
      await Promise.all([discord.close(), ollama.close()]);
    },
  };
}

export async function waitFor<T>(find: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
