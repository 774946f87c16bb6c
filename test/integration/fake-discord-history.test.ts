/**
 * The fake Discord's message history, for conversation recaps, through discord.js (`REST`, `Client`).
 * Sources of each rule: test/fakes/discord/messages.ts, channels.ts, seed.ts.
 */
import { ChannelType, Events, GatewayIntentBits, type Message, Routes, SnowflakeUtil } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { FakeDiscordOptions } from '../fakes/discord.js';
import { discordError, fakeDiscordPerTest } from '../helpers/fake-clients.js';

const fake = fakeDiscordPerTest();

type Json = Record<string, unknown>;
const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

async function start(options: FakeDiscordOptions = {}) {
  const { discord, rest } = await fake.start(options);
  const read = (channelId: string, query: Record<string, string> = {}) =>
    rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams(query) }) as Promise<Json[]>;
  return { discord, rest, read };
}

describe('fake Discord: reading history', () => {
  it('pages newest first with `before`, in pages of at most 100, with ids made from the time sent', async () => {
    const { discord, read } = await start();
    const seeded = discord.seedHistory(
      discord.textChannelId,
      Array.from({ length: 250 }, (_, i) => ({
        author: `person${i % 7}`,
        content: `message ${i}`,
        at: at(i),
      })),
    );
    expect(SnowflakeUtil.timestampFrom(String(seeded[42]?.id))).toBe(at(42).getTime());
    const seen: Json[] = [];
    let page = await read(discord.textChannelId, { limit: '100' });
    while (page.length > 0) {
      seen.push(...page);
      page = await read(discord.textChannelId, { limit: '100', before: String(page.at(-1)?.id) });
    }
    expect(seen.map((m) => m.content)).toEqual(seeded.map((m) => m.content).reverse());
    expect(discord.rest.filter((c) => c.method === 'GET')).toHaveLength(4);
    expect(await read(discord.textChannelId)).toHaveLength(50); // the default limit
  });

  it('answers `after` with the messages right after it and `around` with the messages on both sides', async () => {
    const { discord, read } = await start();
    const seeded = discord.seedHistory(
      discord.textChannelId,
      Array.from({ length: 10 }, (_, i) => ({ author: 'dana', content: `m${i}`, at: at(i) })),
    );
    const after = await read(discord.textChannelId, { after: String(seeded[2]?.id), limit: '3' });
    expect(after.map((m) => m.content)).toEqual(['m5', 'm4', 'm3']);
    const around = await read(discord.textChannelId, { around: String(seeded[5]?.id), limit: '4' });
    expect(around.map((m) => m.content)).toEqual(['m7', 'm6', 'm5', 'm4']);
  });

  it('refuses a limit over 100 and more than one of before/after/around with 50035', async () => {
    const { discord, read } = await start();
    const [first] = discord.seedHistory(discord.textChannelId, [{ author: 'dana', content: 'x', at: at(0) }]);
    expect((await discordError(read(discord.textChannelId, { limit: '101' }))).code).toBe(50035);
    const both = read(discord.textChannelId, { before: String(first?.id), after: String(first?.id) });
    expect((await discordError(both)).code).toBe(50035);
  });

  it('keeps replies, bots’ and system messages, files and edits as sent, and forgets deleted messages', async () => {
    const { discord, rest, read } = await start();
    const channel = discord.textChannelId;
    const file = discord.attachment('notes.txt', Buffer.from('x'), 'text/plain');
    const [join, question, answer, deploy, gone] = discord.seedHistory(channel, [
      { author: 'erin', type: 7, at: at(0) },
      { author: 'dana', content: 'Ship on Friday?', at: at(1), attachments: [file] },
      { author: 'erin', content: 'Yes', at: at(2), editedAt: at(3) },
      { author: 'deploybot', bot: true, content: 'Deployed v2', at: at(4) },
      { author: 'dana', content: 'oops, wrong channel', at: at(5) },
    ]);
    const reply = discord.seedHistory(channel, [
      { author: 'erin', content: 'Friday it is', at: at(6), reference: String(question?.id) },
    ])[0];
    discord.deleteMessage(String(gone?.id));
    discord.editMessage(String(answer?.id), 'Yes, Friday');
    const history = await read(channel);
    expect(history.map((m) => m.id)).toEqual([reply?.id, deploy?.id, answer?.id, question?.id, join?.id]);
    expect(history[0]).toMatchObject({ type: 19, message_reference: { message_id: question?.id } });
    expect(history[0]?.referenced_message).toMatchObject({ content: 'Ship on Friday?' });
    expect(history[1]?.author).toMatchObject({ username: 'deploybot', bot: true });
    expect(history[2]).toMatchObject({ content: 'Yes, Friday', edited_timestamp: expect.any(String) });
    expect(history[3]?.attachments).toEqual([file]);
    expect(history[4]).toMatchObject({ type: 7, content: '' });
    const deleted = rest.get(Routes.channelMessage(channel, String(gone?.id)));
    expect((await discordError(deleted)).code).toBe(10008);
  });

  it('never lists ephemeral replies', async () => {
    const { discord, rest, read } = await start();
    const { id, token } = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(id, token), {
      body: { type: 4, data: { content: 'only you', flags: 64 } },
      auth: false,
    });
    expect(await read(discord.textChannelId)).toEqual([]);
  });

  it('waits out a 429 on history, as discord.js does', async () => {
    const { discord, read } = await start();
    discord.seedHistory(discord.textChannelId, [{ author: 'dana', content: 'x', at: at(0) }]);
    discord.rateLimitNext('GET /channels/:id/messages', { retryAfterMs: 300 });
    expect(await read(discord.textChannelId)).toHaveLength(1);
    expect(discord.rest.filter((c) => c.method === 'GET')).toHaveLength(2);
  });

  it('names people as Discord does: `global_name` on the user, `nick` on the guild member', async () => {
    const { discord, rest } = await start();
    const dana = discord.addUser('dana', { globalName: 'Dana Scully', nick: 'Dana (ops)' });
    expect(await rest.get(Routes.user(dana.id))).toMatchObject({
      username: 'dana',
      global_name: 'Dana Scully',
    });
    expect(await rest.get(Routes.guildMember(discord.guildId, dana.id))).toMatchObject({
      nick: 'Dana (ops)',
    });
    const outsider = discord.addUser('visitor', { member: false });
    expect((await discordError(rest.get(Routes.guildMember(discord.guildId, outsider.id)))).code).toBe(10007);
  });
});

describe('fake Discord: the Message Content intent', () => {
  it('empties content the app may not read, but not mentions of it, its own messages or DMs', async () => {
    const { discord, read } = await start({ messageContentIntent: false });
    discord.seedHistory(discord.textChannelId, [
      { author: 'dana', content: 'plans for Friday', at: at(0) },
      { author: 'dana', content: `<@${discord.bot.id}> recap please`, at: at(1) },
      { author: discord.bot, content: 'Here you go', at: at(2) },
    ]);
    discord.seedHistory(discord.dmChannelId, [{ author: discord.alice, content: 'a DM', at: at(3) }]);
    const history = await read(discord.textChannelId);
    expect(history.map((m) => m.content)).toEqual(['Here you go', `<@${discord.bot.id}> recap please`, '']);
    expect((await read(discord.dmChannelId))[0]?.content).toBe('a DM');
  });

  it('closes the gateway with 4014 when the bot asks for the intent without having it', async () => {
    const { discord } = await start({ messageContentIntent: false });
    const refused = fake.login(discord, [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent]);
    await expect(refused).rejects.toThrow(/disallowed intents/i);
  });

  it('sends MESSAGE_CREATE without content to a bot that did not ask for the intent', async () => {
    const { discord } = await start();
    const bot = await fake.login(discord, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const received = new Promise<Message>((resolve) => bot.once(Events.MessageCreate, resolve));
    discord.postMessage({ content: 'a secret plan' });
    expect((await received).content).toBe('');
  });
});

describe('fake Discord: threads and forum posts', () => {
  it('starts a public thread on a message with that message’s id, opening with a starter message', async () => {
    const { discord, read } = await start();
    const [starter] = discord.seedHistory(discord.textChannelId, [
      { author: 'dana', content: 'Launch?', at: at(0) },
    ]);
    if (!starter) throw new Error('nothing seeded');
    const thread = discord.createThread(discord.textChannelId, { name: 'Launch', starter, at: at(1) });
    discord.seedHistory(String(thread.id), [{ author: 'erin', content: 'Friday', at: at(2) }]);
    expect(thread.id).toBe(starter?.id);
    const messages = await read(String(thread.id));
    expect(messages.map((m) => m.type)).toEqual([0, 21]);
    expect(messages[1]).toMatchObject({ content: '', message_reference: { message_id: starter?.id } });
    const bot = await fake.login(discord, [GatewayIntentBits.Guilds]);
    const channel = await bot.channels.fetch(String(thread.id));
    if (!channel?.isThread()) throw new Error('not a thread');
    expect((await channel.fetchStarterMessage())?.content).toBe('Launch?');
  });

  it('lists archived public threads newest archive first, and private ones only with Manage Threads', async () => {
    const { discord, rest } = await start();
    for (const [name, minute] of [
      ['old', 0],
      ['newer', 10],
      ['newest', 20],
    ] as const) {
      discord.createThread(discord.textChannelId, { name, archived: true, at: at(minute) });
    }
    discord.createThread(discord.textChannelId, { name: 'open', at: at(30) });
    const route = Routes.channelThreads(discord.textChannelId, 'public');
    const all = (await rest.get(route)) as { threads: Json[]; has_more: boolean };
    expect(all.threads.map((t) => t.name)).toEqual(['newest', 'newer', 'old']);
    const query = new URLSearchParams({ before: at(20).toISOString(), limit: '1' });
    const page = (await rest.get(route, { query })) as { threads: Json[]; has_more: boolean };
    expect(page).toMatchObject({ threads: [{ name: 'newer' }], has_more: true });
    const privateRoute = Routes.channelThreads(discord.textChannelId, 'private');
    expect((await discordError(rest.get(privateRoute))).code).toBe(50013);
    discord.setPermission(discord.textChannelId, { allow: ['ManageThreads'] }, 'bot');
    expect(await rest.get(privateRoute)).toMatchObject({ threads: [] });
  });

  it('makes a forum post a thread whose first message has its id, and refuses messages in the forum itself', async () => {
    const { discord, rest, read } = await start();
    const forum = discord.addChannel('ideas', 'forum');
    const { thread, starter } = discord.createForumPost(String(forum.id), {
      name: 'Dark mode',
      author: 'dana',
      content: 'Can we have dark mode?',
      at: at(0),
    });
    expect([thread.type, thread.parent_id, starter.id]).toEqual([
      ChannelType.PublicThread,
      forum.id,
      thread.id,
    ]);
    expect((await read(String(thread.id)))[0]?.content).toBe('Can we have dark mode?');
    const direct = rest.post(Routes.channelMessages(String(forum.id)), { body: { content: 'hi' } });
    expect((await discordError(direct)).code).toBe(40058);
    discord.setPermission(String(forum.id), { deny: ['CreatePublicThreads'] }, 'bot');
    const post = (await rest.post(Routes.threads(String(forum.id)), {
      body: { name: 'Bot post', message: { content: 'hello' } },
    })) as Json;
    expect((post.message as Json).id).toBe(post.id);
  });
});
