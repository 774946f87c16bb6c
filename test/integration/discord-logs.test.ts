import { Events } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { type DiscordHarness, startDiscordHarness } from '../helpers/discord-harness.js';
import { closedAfterEach } from '../helpers/per-test.js';

/** discord.js's own lines reach recap's log as LOG_LEVEL says: its debug lines only at debug. */
const closing = closedAfterEach();
const startHarness = closing(startDiscordHarness);

const discordLines = (h: DiscordHarness, level: string) =>
  h.logs.filter((line) => line.startsWith(`${level} discord: `));

describe('Discord: discord.js log lines at LOG_LEVEL', () => {
  it('passes discord.js debug lines on at debug, with the platform', async () => {
    const harness = await startHarness({ logLevel: 'debug' });
    expect(discordLines(harness, 'debug').length).toBeGreaterThan(0);
    expect(discordLines(harness, 'debug')[0]).toContain('platform=discord');
  });

  it('leaves them out at info, once the login that makes them is done', async () => {
    const harness = await startHarness({ logLevel: 'info' });
    expect(discordLines(harness, 'info').some((line) => line.includes('logged in as'))).toBe(true);
    expect(discordLines(harness, 'debug')).toEqual([]);
  });

  it('logs discord.js warnings and errors at any level', async () => {
    const harness = await startHarness({ logLevel: 'error' });
    harness.bot.client.emit(Events.Warn, 'heartbeat acknowledged late');
    harness.bot.client.emit(Events.Error, new Error('socket hang up'));
    expect(discordLines(harness, 'warn')).toEqual([
      expect.stringContaining('discord: heartbeat acknowledged late'),
    ]);
    expect(discordLines(harness, 'error')).toEqual([expect.stringContaining('socket hang up')]);
  });
});
