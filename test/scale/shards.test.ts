/**
 * DISCORD_SHARDS (issue 13): the front's gateway shards, all in its one process (discord.js's internal
 * sharding). The fake gateway holds one session, so a count above one is checked as the client options
 * discord.js reads, not over the wire.
 */
import { describe, expect, it } from 'vitest';
import { createChatRuntime, createRecap } from '../../src/app.js';
import { gatewayShards, startDiscordBot } from '../../src/bots/discord/bot.js';
import { loadConfig } from '../../src/config.js';
import { BOT_TOKEN, startFakeDiscord } from '../fakes/discord.js';
import { collectingLogger } from '../helpers/logs.js';

describe('Discord gateway shards', () => {
  it('asks discord.js for the recommended count with auto, and runs shards 0 to N-1 of N for a number', () => {
    expect(gatewayShards('auto')).toEqual({ shards: 'auto' });
    expect(gatewayShards(3)).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    // No setting (the CLI, older embedders): discord.js's own default, one shard.
    expect(gatewayShards(undefined)).toEqual({});
  });

  it('connects with auto as many shards as Discord recommends (GET /gateway/bot)', async () => {
    const discord = await startFakeDiscord();
    const config = loadConfig({ DISCORD_TOKEN: BOT_TOKEN, DISCORD_REST_API: discord.restApi });
    expect(config.discord?.shards).toBe('auto');
    const recap = createRecap(config);
    const log = collectingLogger([]);
    const runtime = createChatRuntime(config, recap, log);
    const bot = await startDiscordBot({
      ...(config.discord as NonNullable<typeof config.discord>),
      runtime,
      fetchFile: recap.fetch,
      log,
    });
    try {
      // The fake recommends one shard, as Discord does for a bot in fewer than about 1,000 servers.
      expect(bot.client.options.shardCount).toBe(1);
      expect(bot.client.options.shards).toEqual([0]);
      expect(bot.client.ws.shards.size).toBe(1);
    } finally {
      await runtime.stop();
      await bot.stop();
      await discord.close();
    }
  });
});
