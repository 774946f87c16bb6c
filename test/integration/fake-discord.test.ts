/**
 * The fake Discord's rules, each exercised through the real client (discord.js `REST` and `Client`)
 * over a socket. The sources of the rules are in the fake's modules (test/fakes/discord/*).
 */
import {
  Events,
  GatewayIntentBits,
  type Interaction,
  PermissionFlagsBits,
  type REST,
  Routes,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../fakes/discord/permissions.js';
import { discordError, fakeDiscordPerTest } from '../helpers/fake-clients.js';

const fake = fakeDiscordPerTest();

type Json = Record<string, unknown>;

const start = fake.start;

const send = (rest: REST, channelId: string, body: Json = { content: 'hello' }) =>
  rest.post(Routes.channelMessages(channelId), { body }) as Promise<Json>;

describe('fake Discord: permissions on the bot’s REST calls', () => {
  it('answers 50001 when the bot cannot see the channel and 50013 when it may see but not send', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    expect((await send(rest, channel)).content).toBe('hello');

    discord.setPermission(channel, { deny: ['ViewChannel'] }, 'bot');
    const hidden = await discordError(send(rest, channel));
    expect([hidden.status, hidden.code]).toEqual([403, 50001]);

    discord.setPermission(channel, { deny: ['SendMessages'] }, 'bot');
    const mute = await discordError(send(rest, channel));
    expect([mute.status, mute.code]).toEqual([403, 50013]);
  });

  it('applies overwrites in Discord’s order: @everyone, then all role overwrites together, then the member', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    discord.setPermission(channel, { deny: ['SendMessages'] }, '@everyone');
    await discordError(send(rest, channel));
    // The bot's role allows it back, whatever @everyone says.
    discord.setPermission(channel, { allow: ['SendMessages'] }, discord.botRoleId);
    expect((await send(rest, channel)).id).toBeDefined();
    // The member's own overwrite wins over its roles.
    discord.setPermission(channel, { deny: ['SendMessages'] }, 'bot');
    expect((await discordError(send(rest, channel))).code).toBe(50013);
  });

  it('makes threads inherit the parent’s overwrites, with Send Messages in Threads instead of Send Messages', async () => {
    const { discord, rest } = await start();
    const parent = discord.textChannelId;
    const starter = discord.existingMessage({ content: 'topic' });
    const thread = String(discord.createThread(parent, { name: 'talk', starter }).id);
    discord.setPermission(parent, { deny: ['SendMessages'] }, 'bot');
    expect((await send(rest, thread)).channel_id).toBe(thread);
    discord.setPermission(parent, { deny: ['SendMessagesInThreads'] }, 'bot');
    expect((await discordError(send(rest, thread))).code).toBe(50013);
    discord.setPermission(parent, { deny: ['ViewChannel'] }, 'bot');
    expect((await discordError(send(rest, thread))).code).toBe(50001);
  });

  it('hides a private thread from a bot that was not added to it and lacks Manage Threads', async () => {
    const { discord, rest } = await start();
    const hidden = discord.createThread(discord.textChannelId, {
      name: 'secret',
      private: true,
      owner: discord.alice,
    });
    const invited = discord.createThread(discord.textChannelId, {
      name: 'invited',
      private: true,
      owner: discord.alice,
      members: [discord.bot.id],
    });
    expect((await discordError(rest.get(Routes.channelMessages(String(hidden.id))))).code).toBe(50001);
    expect(await rest.get(Routes.channelMessages(String(invited.id)))).toEqual(expect.any(Array));
    discord.setPermission(discord.textChannelId, { allow: ['ManageThreads'] }, 'bot');
    expect(await rest.get(Routes.channelMessages(String(hidden.id)))).toEqual(expect.any(Array));
  });

  it('checks nothing in a direct message', async () => {
    const { discord, rest } = await start();
    discord.setRolePermissions('bot', []);
    discord.setRolePermissions('@everyone', []);
    expect((await send(rest, discord.dmChannelId)).channel_id).toBe(discord.dmChannelId);
    await discordError(send(rest, discord.textChannelId));
  });

  it('returns no history without Read Message History, and refuses a single message with 50013', async () => {
    const { discord, rest } = await start();
    const message = discord.existingMessage({ content: 'earlier' });
    discord.setPermission(discord.textChannelId, { deny: ['ReadMessageHistory'] }, 'bot');
    expect(await rest.get(Routes.channelMessages(discord.textChannelId))).toEqual([]);
    const refused = await discordError(
      rest.get(Routes.channelMessage(discord.textChannelId, String(message.id))),
    );
    expect(refused.code).toBe(50013);
    const reply = { content: 'answer', message_reference: { message_id: message.id } };
    expect((await discordError(send(rest, discord.textChannelId, reply))).code).toBe(50013);
  });

  it('drops embeds without Embed Links: content posts alone, an embed alone is refused, an edit to nothing is empty', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    discord.setPermission(channel, { deny: ['EmbedLinks'] }, 'bot');
    const embeds = [{ title: 'Summary', description: '• one' }];
    const posted = await send(rest, channel, { content: 'see below', embeds });
    expect(posted).toMatchObject({ content: 'see below', embeds: [] });
    expect((await discordError(send(rest, channel, { embeds }))).code).toBe(50013);
    const edit = rest.patch(Routes.channelMessage(channel, String(posted.id)), {
      body: { content: '', embeds },
    });
    expect((await discordError(edit)).code).toBe(50006);
  });

  it('takes Embed Links away with Send Messages (implicitly): an edit of its own message keeps the text, not the embed', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    const posted = (await rest.post(Routes.channelMessages(channel), {
      body: { content: 'Reading…' },
    })) as Json;
    discord.setPermission(channel, { deny: ['SendMessages'] }, 'bot');
    const body = { content: 'Summary below', embeds: [{ title: 'Summary', description: '• one' }] };
    const edited = (await rest.patch(Routes.channelMessage(channel, String(posted.id)), { body })) as Json;
    expect(edited).toMatchObject({ content: 'Summary below', embeds: [] });
  });

  it('refuses a thread without Create Public Threads, and a second thread on one message with 160004', async () => {
    const { discord, rest } = await start();
    const message = discord.existingMessage({ content: 'a link' });
    const route = Routes.threads(discord.textChannelId, String(message.id));
    const thread = (await rest.post(route, { body: { name: 'Summary' } })) as Json;
    expect(thread.id).toBe(message.id);
    expect((await discordError(rest.post(route, { body: { name: 'again' } }))).code).toBe(160004);
    const other = discord.existingMessage({ content: 'another' });
    discord.denyThreads();
    const denied = rest.post(Routes.threads(discord.textChannelId, String(other.id)), {
      body: { name: 'x' },
    });
    expect((await discordError(denied)).code).toBe(50013);
  });

  it('enforces the payload limits: 2000 characters of content, 6000 across embeds, nothing empty', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    expect((await discordError(send(rest, channel, { content: 'x'.repeat(2001) }))).code).toBe(50035);
    const big = [{ description: 'x'.repeat(4000) }, { description: 'y'.repeat(2500) }];
    expect((await discordError(send(rest, channel, { embeds: big }))).code).toBe(50035);
    expect((await discordError(send(rest, channel, {}))).code).toBe(50006);
  });
  it('reports app_permissions and member.permissions from the overwrites, and keeps discord.js’s cache in step', async () => {
    const { discord } = await start();
    const bot = await fake.login(discord, [GatewayIntentBits.Guilds]);
    const channelId = discord.textChannelId;
    const channel = bot.channels.cache.get(channelId);
    if (!channel || !('permissionsFor' in channel)) throw new Error('the text channel is not cached');
    expect(channel.permissionsFor(discord.bot.id)?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    discord.setPermission(channelId, { deny: ['SendMessages'] }, 'bot');
    discord.setPermission(channelId, { deny: ['AttachFiles'] }, discord.alice.id);
    const received = new Promise<Interaction>((resolve) => bot.once(Events.InteractionCreate, resolve));
    discord.slashCommand({ text: 'a' });
    const interaction = await received;
    expect(interaction.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(interaction.appPermissions.has(PermissionFlagsBits.CreatePublicThreads)).toBe(true);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.AttachFiles)).toBe(false);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    // CHANNEL_UPDATE reached discord.js, whose own computation agrees with the fake's.
    // (discord.js leaves out implicit denials, as `app_permissions` does.)
    expect(channel.permissionsFor(discord.bot.id)?.bitfield).toBe(
      discord.permissionsOf('bot', channelId, false),
    );
  });

  it('gives the bot only its role and @everyone in GUILD_CREATE, with the channels’ overwrites', async () => {
    const { discord } = await start();
    discord.setPermission(discord.textChannelId, { deny: ['EmbedLinks'] }, 'bot');
    const bot = await fake.login(discord, [GatewayIntentBits.Guilds]);
    const guild = bot.guilds.cache.get(discord.guildId);
    expect(guild?.members.me?.roles.cache.map((role) => role.id).sort()).toEqual(
      [discord.botRoleId, discord.guildId].sort(),
    );
    const channel = guild?.channels.cache.get(discord.textChannelId);
    expect(channel?.permissionsFor(discord.bot.id)?.has(PermissionFlagsBits.EmbedLinks)).toBe(false);
  });

  it('delivers message events only under the intents the bot identified with', async () => {
    const { discord } = await start();
    const bot = await fake.login(discord, [GatewayIntentBits.Guilds]);
    const seen: string[] = [];
    bot.on(Events.MessageCreate, (message) => seen.push(message.id));
    const interaction = new Promise((resolve) => bot.once(Events.InteractionCreate, resolve));
    discord.postMessage({ content: `<@${discord.bot.id}> hello` });
    discord.slashCommand({ text: 'after the message' });
    // Interactions need no intent; events arrive in order, so the message would have come first.
    await interaction;
    expect(seen).toEqual([]);
  });

  it('names each permission with the bit discord.js uses', () => {
    for (const [name, bit] of Object.entries(PERMISSIONS)) {
      expect(PermissionFlagsBits[name as keyof typeof PermissionFlagsBits], name).toBe(bit);
    }
  });
});
