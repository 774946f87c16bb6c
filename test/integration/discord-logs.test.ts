import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordHarness, startDiscordHarness } from '../helpers/discord-harness.js';

/** discord.js's own lines reach recap's log as LOG_LEVEL says: its debug lines only at debug. */
let harness: DiscordHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const discordLines = (h: DiscordHarness, level: string) =>
  h.logs.filter((line) => line.startsWith(`${level} discord: `));

describe('Discord: discord.js log lines at LOG_LEVEL', () => {
  it('passes discord.js debug lines on at debug, with the platform', async () => {
    harness = await startDiscordHarness({ logLevel: 'debug' });
    expect(discordLines(harness, 'debug').length).toBeGreaterThan(0);
    expect(discordLines(harness, 'debug')[0]).toContain('platform=discord');
  });

  it('leaves them out at info, once the login that makes them is done', async () => {
    harness = await startDiscordHarness({ logLevel: 'info' });
    expect(discordLines(harness, 'info').some((line) => line.includes('logged in as'))).toBe(true);
    expect(discordLines(harness, 'debug')).toEqual([]);
  });

  it('logs discord.js warnings and errors at any level', async () => {
    harness = await startDiscordHarness({ logLevel: 'error' });
    harness.bot.client.emit(Events.Warn, 'heartbeat acknowledged late');
    harness.bot.client.emit(Events.Error, new Error('socket hang up'));
    expect(discordLines(harness, 'warn')).toEqual([
      expect.stringContaining('discord: heartbeat acknowledged late'),
    ]);
    expect(discordLines(harness, 'error')).toEqual([expect.stringContaining('socket hang up')]);
  });
});
