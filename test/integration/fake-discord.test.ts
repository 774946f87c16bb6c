/**
 * The fake Discord's rules, each exercised through the real client (discord.js `REST` and `Client`)
 * over a socket. The sources of the rules are in the fake's modules (test/fakes/discord/*).
 */
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  PermissionFlagsBits,
  RateLimitError,
  REST,
  Routes,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../fakes/discord/permissions.js';
import { BOT_TOKEN, type FakeDiscord, startFakeDiscord } from '../fakes/discord.js';

let discord: FakeDiscord | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  await discord?.close();
  discord = client = undefined;
});

type Json = Record<string, unknown>;

async function start(options: Parameters<typeof startFakeDiscord>[0] = {}) {
  discord = await startFakeDiscord(options);
  const rest = new REST({ api: discord.restApi, version: '10' }).setToken(BOT_TOKEN);
  return { discord, rest };
}

/** The DiscordAPIError a call fails with (or a failure of the test when it succeeds). */
async function apiError(call: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

const send = (rest: REST, channelId: string, body: Json = { content: 'hello' }) =>
  rest.post(Routes.channelMessages(channelId), { body }) as Promise<Json>;

async function loggedIn(fake: FakeDiscord, intents = [GatewayIntentBits.Guilds]): Promise<Client> {
  client = new Client({ intents, rest: { api: fake.restApi } });
  const ready = new Promise((resolve) => client?.once(Events.ClientReady, resolve));
  await client.login(BOT_TOKEN);
  await ready;
  return client;
}

describe('fake Discord: permissions on the bot’s REST calls', () => {
  it('answers 50001 when the bot cannot see the channel and 50013 when it may see but not send', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    expect((await send(rest, channel)).content).toBe('hello');

    discord.setPermission(channel, { deny: ['ViewChannel'] }, 'bot');
    const hidden = await apiError(send(rest, channel));
    expect([hidden.status, hidden.code]).toEqual([403, 50001]);

    discord.setPermission(channel, { deny: ['SendMessages'] }, 'bot');
    const mute = await apiError(send(rest, channel));
    expect([mute.status, mute.code]).toEqual([403, 50013]);
  });

  it('applies overwrites in Discord’s order: @everyone, then all role overwrites together, then the member', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    discord.setPermission(channel, { deny: ['SendMessages'] }, '@everyone');
    await apiError(send(rest, channel));
    // The bot's role allows it back, whatever @everyone says.
    discord.setPermission(channel, { allow: ['SendMessages'] }, discord.botRoleId);
    expect((await send(rest, channel)).id).toBeDefined();
    // The member's own overwrite wins over its roles.
    discord.setPermission(channel, { deny: ['SendMessages'] }, 'bot');
    expect((await apiError(send(rest, channel))).code).toBe(50013);
  });

  it('makes threads inherit the parent’s overwrites, with Send Messages in Threads instead of Send Messages', async () => {
    const { discord, rest } = await start();
    const parent = discord.textChannelId;
    const starter = discord.existingMessage({ content: 'topic' });
    const thread = String(discord.createThread(parent, { name: 'talk', starter }).id);
    discord.setPermission(parent, { deny: ['SendMessages'] }, 'bot');
    expect((await send(rest, thread)).channel_id).toBe(thread);
    discord.setPermission(parent, { deny: ['SendMessagesInThreads'] }, 'bot');
    expect((await apiError(send(rest, thread))).code).toBe(50013);
    discord.setPermission(parent, { deny: ['ViewChannel'] }, 'bot');
    expect((await apiError(send(rest, thread))).code).toBe(50001);
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
    expect((await apiError(rest.get(Routes.channelMessages(String(hidden.id))))).code).toBe(50001);
    expect(await rest.get(Routes.channelMessages(String(invited.id)))).toEqual(expect.any(Array));
    discord.setPermission(discord.textChannelId, { allow: ['ManageThreads'] }, 'bot');
    expect(await rest.get(Routes.channelMessages(String(hidden.id)))).toEqual(expect.any(Array));
  });

  it('checks nothing in a direct message', async () => {
    const { discord, rest } = await start();
    discord.setRolePermissions('bot', []);
    discord.setRolePermissions('@everyone', []);
    expect((await send(rest, discord.dmChannelId)).channel_id).toBe(discord.dmChannelId);
    await apiError(send(rest, discord.textChannelId));
  });

  it('returns no history without Read Message History, and refuses a single message with 50013', async () => {
    const { discord, rest } = await start();
    const message = discord.existingMessage({ content: 'earlier' });
    discord.setPermission(discord.textChannelId, { deny: ['ReadMessageHistory'] }, 'bot');
    expect(await rest.get(Routes.channelMessages(discord.textChannelId))).toEqual([]);
    const refused = await apiError(
      rest.get(Routes.channelMessage(discord.textChannelId, String(message.id))),
    );
    expect(refused.code).toBe(50013);
    const reply = { content: 'answer', message_reference: { message_id: message.id } };
    expect((await apiError(send(rest, discord.textChannelId, reply))).code).toBe(50013);
  });

  it('drops embeds without Embed Links: content posts alone, an embed alone is refused, an edit to nothing is empty', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    discord.setPermission(channel, { deny: ['EmbedLinks'] }, 'bot');
    const embeds = [{ title: 'Summary', description: '• one' }];
    const posted = await send(rest, channel, { content: 'see below', embeds });
    expect(posted).toMatchObject({ content: 'see below', embeds: [] });
    expect((await apiError(send(rest, channel, { embeds }))).code).toBe(50013);
    const edit = rest.patch(Routes.channelMessage(channel, String(posted.id)), {
      body: { content: '', embeds },
    });
    expect((await apiError(edit)).code).toBe(50006);
  });

  it('refuses a thread without Create Public Threads, and a second thread on one message with 160004', async () => {
    const { discord, rest } = await start();
    const message = discord.existingMessage({ content: 'a link' });
    const route = Routes.threads(discord.textChannelId, String(message.id));
    const thread = (await rest.post(route, { body: { name: 'Summary' } })) as Json;
    expect(thread.id).toBe(message.id);
    expect((await apiError(rest.post(route, { body: { name: 'again' } }))).code).toBe(160004);
    const other = discord.existingMessage({ content: 'another' });
    discord.denyThreads();
    const denied = rest.post(Routes.threads(discord.textChannelId, String(other.id)), {
      body: { name: 'x' },
    });
    expect((await apiError(denied)).code).toBe(50013);
  });

  it('enforces the payload limits: 2000 characters of content, 6000 across embeds, nothing empty', async () => {
    const { discord, rest } = await start();
    const channel = discord.textChannelId;
    expect((await apiError(send(rest, channel, { content: 'x'.repeat(2001) }))).code).toBe(50035);
    const big = [{ description: 'x'.repeat(4000) }, { description: 'y'.repeat(2500) }];
    expect((await apiError(send(rest, channel, { embeds: big }))).code).toBe(50035);
    expect((await apiError(send(rest, channel, {}))).code).toBe(50006);
  });
});

describe('fake Discord: interactions', () => {
  it('needs no channel permission for the interaction webhook, while the bot token is refused', async () => {
    const { discord, rest } = await start();
    discord.setPermission(discord.textChannelId, { deny: ['SendMessages', 'EmbedLinks'] }, 'bot');
    const { id, token } = discord.slashCommand({ text: 'notes' });
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    const embeds = [{ title: 'Summary', description: '• one' }];
    const edited = (await rest.patch(Routes.webhookMessage(discord.bot.id, token), {
      body: { embeds },
      auth: false,
    })) as Json;
    expect(edited.embeds).toEqual(embeds);
    expect((await apiError(send(rest, discord.textChannelId))).code).toBe(50013);
  });

  it('answers the first response once and only within the deadline (40060, 10062)', async () => {
    const { discord, rest } = await start({ ackDeadlineMs: 200 });
    const first = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 5 }, auth: false });
    const twice = rest.post(Routes.interactionCallback(first.id, first.token), {
      body: { type: 5 },
      auth: false,
    });
    expect((await apiError(twice)).code).toBe(40060);
    const late = discord.slashCommand({ text: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tooLate = rest.post(Routes.interactionCallback(late.id, late.token), {
      body: { type: 5 },
      auth: false,
    });
    expect((await apiError(tooLate)).code).toBe(10062);
  });

  it('answers every webhook call with 401 50027 once the token has expired, and 404 10015 for an unknown one', async () => {
    const { discord, rest } = await start();
    const { id, token } = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    discord.expireInteraction(token);
    const app = discord.bot.id;
    const calls = [
      rest.patch(Routes.webhookMessage(app, token), { body: { content: 'x' }, auth: false }),
      rest.get(Routes.webhookMessage(app, token), { auth: false }),
      rest.delete(Routes.webhookMessage(app, token), { auth: false }),
      rest.post(Routes.webhook(app, token), { body: { content: 'x' }, auth: false }),
    ];
    for (const call of calls) expect(await apiError(call)).toMatchObject({ status: 401, code: 50027 });
    const unknown = rest.post(Routes.webhook(app, 'itoken-unknown'), { body: { content: 'x' }, auth: false });
    expect(await apiError(unknown)).toMatchObject({ status: 404, code: 10015 });
  });

  it('expires the token on its own after its lifetime', async () => {
    const { discord, rest } = await start({ interactionTtlMs: 300 });
    const { id, token } = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const edit = rest.patch(Routes.webhookMessage(discord.bot.id, token), {
      body: { content: 'x' },
      auth: false,
    });
    expect((await apiError(edit)).code).toBe(50027);
  });

  it('turns a followup sent while the deferred reply is loading into an edit of that reply', async () => {
    const { discord, rest } = await start();
    const { id, token } = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    const followup = (await rest.post(Routes.webhook(discord.bot.id, token), {
      body: { content: 'busy', flags: 64 },
      auth: false,
    })) as Json;
    const original = discord.interactions.get(token)?.originalId;
    expect(followup).toMatchObject({ id: original, content: 'busy', flags: 0 });
    const second = (await rest.post(Routes.webhook(discord.bot.id, token), {
      body: { content: 'private', flags: 64 },
      auth: false,
    })) as Json;
    expect(second).toMatchObject({ content: 'private', flags: 64 });
    expect(second.id).not.toBe(original);
  });

  it('reports app_permissions and member.permissions from the overwrites, and keeps discord.js’s cache in step', async () => {
    const { discord } = await start();
    const bot = await loggedIn(discord);
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
    const bot = await loggedIn(discord);
    const guild = bot.guilds.cache.get(discord.guildId);
    expect(guild?.members.me?.roles.cache.map((role) => role.id).sort()).toEqual(
      [discord.botRoleId, discord.guildId].sort(),
    );
    const channel = guild?.channels.cache.get(discord.textChannelId);
    expect(channel?.permissionsFor(discord.bot.id)?.has(PermissionFlagsBits.EmbedLinks)).toBe(false);
  });

  it('names each permission with the bit discord.js uses', () => {
    for (const [name, bit] of Object.entries(PERMISSIONS)) {
      expect(PermissionFlagsBits[name as keyof typeof PermissionFlagsBits], name).toBe(bit);
    }
  });
});

describe('fake Discord: rate limits and failures', () => {
  it('sends a route’s 429 with the headers discord.js reads, so it waits and retries', async () => {
    const { discord, rest } = await start();
    discord.rateLimitNext('POST /channels/:id/messages', { retryAfterMs: 1000 });
    await send(rest, discord.textChannelId);
    const attempts = discord.rest.filter((c) => c.method === 'POST');
    expect(attempts).toHaveLength(2);
    // A lower bound only: the client waited at least what Discord asked for before trying again.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    ['a route’s own limit', { retryAfterMs: 1500 }, { global: false, scope: 'user', retryAfter: 2050 }],
    [
      'a shared resource’s limit',
      { retryAfterMs: 200, scope: 'shared' as const },
      { global: false, scope: 'shared' },
    ],
    [
      'the global limit',
      { retryAfterMs: 400, global: true },
      { global: true, scope: 'global', retryAfter: 1050 },
    ],
  ])('reports %s to discord.js as Discord does', async (_name, spec, expected) => {
    const { discord } = await start();
    const strict = new REST({ api: discord.restApi, version: '10', rejectOnRateLimit: () => true }).setToken(
      BOT_TOKEN,
    );
    discord.rateLimitNext('GET /channels/:id', spec);
    const error = await strict.get(Routes.channel(discord.textChannelId)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    // retryAfter is Retry-After (whole seconds, rounded up) plus discord.js's 50 ms offset.
    expect(error).toMatchObject({ method: 'GET', ...expected });
  });

  it('writes a global 429 as the docs show: retry_after in seconds, Retry-After rounded up, X-RateLimit-Global', async () => {
    const { discord } = await start();
    discord.rateLimitNext('GET /channels/:id', { retryAfterMs: 400, global: true });
    const raw = await fetch(`${discord.restApi}/v10/channels/${discord.textChannelId}`, {
      headers: { authorization: `Bot ${BOT_TOKEN}` },
    });
    expect(raw.status).toBe(429);
    expect(await raw.json()).toEqual({
      message: 'You are being rate limited.',
      retry_after: 0.4,
      global: true,
    });
    expect(Object.fromEntries(raw.headers)).toMatchObject({
      'retry-after': '1',
      'x-ratelimit-global': 'true',
      'x-ratelimit-scope': 'global',
    });
  });

  it('retries a 5xx inside discord.js, and surfaces an API error with its code', async () => {
    const { discord, rest } = await start();
    discord.failNext('GET /channels/:id', { status: 502 });
    expect(((await rest.get(Routes.channel(discord.textChannelId))) as Json).id).toBe(discord.textChannelId);
    expect(discord.rest.filter((c) => c.method === 'GET')).toHaveLength(2);
    discord.failNext('POST /channels/:id/messages', {
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    expect((await apiError(send(rest, discord.textChannelId))).code).toBe(50013);
    expect((await send(rest, discord.textChannelId)).content).toBe('hello');
  });

  it('rate-limits an interaction webhook route by its template', async () => {
    const { discord, rest } = await start();
    const { id, token } = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    discord.rateLimitNext('PATCH /webhooks/:id/:token/messages/@original', {
      retryAfterMs: 200,
      scope: 'shared',
    });
    await rest.patch(Routes.webhookMessage(discord.bot.id, token), { body: { content: 'x' }, auth: false });
    expect(discord.rest.filter((c) => c.method === 'PATCH')).toHaveLength(2);
  });
});
