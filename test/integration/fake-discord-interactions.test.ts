/**
 * The fake Discord's interaction webhooks and its rate limits and failures, through discord.js's `REST`
 * over a socket. The sources of the rules: test/fakes/discord/interactions.ts and faults.ts.
 */
import { RateLimitError, REST, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BOT_TOKEN } from '../fakes/discord.js';
import { discordError, fakeDiscordPerTest } from '../helpers/fake-clients.js';

const fake = fakeDiscordPerTest();

type Json = Record<string, unknown>;

const start = fake.start;

const send = (rest: REST, channelId: string, body: Json = { content: 'hello' }) =>
  rest.post(Routes.channelMessages(channelId), { body }) as Promise<Json>;

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
    expect((await discordError(send(rest, discord.textChannelId))).code).toBe(50013);
  });

  it('lets the bot token edit a public interaction reply but not an ephemeral one (10008)', async () => {
    const { discord, rest } = await start();
    const app = discord.bot.id;
    const publicReply = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(publicReply.id, publicReply.token), {
      body: { type: 5 },
      auth: false,
    });
    const privateReply = discord.messageCommand(discord.existingMessage({ content: 'a link' }));
    await rest.post(Routes.interactionCallback(privateReply.id, privateReply.token), {
      body: { type: 5, data: { flags: 64 } },
      auth: false,
    });
    const channel = discord.textChannelId;
    const publicId = String(
      ((await rest.get(Routes.webhookMessage(app, publicReply.token), { auth: false })) as Json).id,
    );
    const privateId = String(
      ((await rest.get(Routes.webhookMessage(app, privateReply.token), { auth: false })) as Json).id,
    );
    const edit = (id: string) =>
      rest.patch(Routes.channelMessage(channel, id), { body: { content: 'later' } });
    expect(((await edit(publicId)) as Json).content).toBe('later');
    expect((await discordError(edit(privateId))).code).toBe(10008);
  });

  it('answers the first response once and only within the deadline (40060, 10062)', async () => {
    const { discord, rest } = await start({ ackDeadlineMs: 200 });
    const first = discord.slashCommand({ text: 'a' });
    await rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 5 }, auth: false });
    const twice = rest.post(Routes.interactionCallback(first.id, first.token), {
      body: { type: 5 },
      auth: false,
    });
    expect((await discordError(twice)).code).toBe(40060);
    const late = discord.slashCommand({ text: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tooLate = rest.post(Routes.interactionCallback(late.id, late.token), {
      body: { type: 5 },
      auth: false,
    });
    expect((await discordError(tooLate)).code).toBe(10062);
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
    for (const call of calls) expect(await discordError(call)).toMatchObject({ status: 401, code: 50027 });
    const unknown = rest.post(Routes.webhook(app, 'itoken-unknown'), { body: { content: 'x' }, auth: false });
    expect(await discordError(unknown)).toMatchObject({ status: 404, code: 10015 });
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
    expect((await discordError(edit)).code).toBe(50027);
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
    expect((await discordError(send(rest, discord.textChannelId))).code).toBe(50013);
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
