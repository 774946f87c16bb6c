/**
 * What the fake Discord adds for recaps, through discord.js: guild roles, a rate limit on a later call,
 * and the Message Content intent turned off while the bot is connected. Sources in test/fakes/discord/.
 */
import { GatewayIntentBits, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { fakeDiscordPerTest } from '../helpers/fake-clients.js';

const fake = fakeDiscordPerTest();
const at = (minutes: number) => new Date(Date.parse('2026-03-02T09:00:00Z') + minutes * 60_000);

describe('fake Discord, for recaps', () => {
  it('lists the guild’s roles, @everyone and the bot’s included', async () => {
    const { discord, rest } = await fake.start();
    const moderators = discord.addRole('Moderators');
    const roles = (await rest.get(Routes.guildRoles(discord.guildId))) as { id: string; name: string }[];
    expect(roles.map((role) => role.name)).toEqual(['@everyone', 'recap', 'Moderators']);
    expect(roles.find((role) => role.name === 'Moderators')?.id).toBe(moderators);
  });

  it('answers 429 on the call after the ones let through, which discord.js waits out', async () => {
    const { discord, rest } = await fake.start();
    discord.seedHistory(discord.textChannelId, [{ author: 'dana', content: 'x', at: at(0) }]);
    discord.rateLimitAfter('GET /channels/:id/messages', 1, { retryAfterMs: 200 });
    const reads = () => discord.rest.filter((call) => call.method === 'GET').length;
    await rest.get(Routes.channelMessages(discord.textChannelId));
    expect(reads()).toBe(1);
    await rest.get(Routes.channelMessages(discord.textChannelId));
    // Refused with 429, then tried again once the wait is over.
    expect(reads()).toBe(3);
  });

  it('reads other people’s messages without content once the intent is turned off, and refuses a new login', async () => {
    const { discord, rest } = await fake.start();
    await fake.login(discord, [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent]);
    discord.seedHistory(discord.textChannelId, [{ author: 'dana', content: 'plans', at: at(0) }]);
    expect(
      ((await rest.get(Routes.channelMessages(discord.textChannelId))) as { content: string }[])[0]?.content,
    ).toBe('plans');
    discord.revokeMessageContent();
    const [message] = (await rest.get(Routes.channelMessages(discord.textChannelId))) as {
      content: string;
    }[];
    expect(message?.content).toBe('');
    const other = fake.login(discord, [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent]);
    await expect(other).rejects.toThrow(/disallowed intents/i);
  });
});
