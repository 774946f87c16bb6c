/**
 * A wire-compatible stand-in for Discord (https://discord.com/developers/docs): the REST API under
 * `/api/v10` and a gateway WebSocket at the URL `GET /gateway/bot` returns. The real discord.js client
 * logs in to it. What it reproduces:
 * - the gateway handshake: HELLO, IDENTIFY (token checked), heartbeats and their ACKs, READY then
 *   GUILD_CREATE, dispatches with sequence numbers, and RESUME after a resumable close with the
 *   missed events replayed;
 * - interactions: a callback later than 3 s after the dispatch is refused (10062 Unknown interaction);
 *   webhook calls with a token older than its lifetime (15 min, shorter in tests) are refused
 *   (50027 Invalid Webhook Token);
 * - messages, threads on messages (one per message: 160004), channel and message fetches, command
 *   registration, and attachment downloads from a CDN path.
 * Every REST call is recorded for the tests to assert on.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenLocal, sendJson } from './http.js';

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  at: number;
}

interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  dispatchedAt: number;
  acknowledgedAt?: number;
  originalId?: string;
}

type Json = Record<string, unknown>;

export interface FakeDiscordOptions {
  token?: string;
  /** How long an interaction token works (Discord: 15 minutes). */
  interactionTtlMs?: number;
  /** How long Discord waits for an interaction's first answer (3 seconds). */
  ackDeadlineMs?: number;
}

let snowflake = 1_300_000_000_000_000_000n;
const nextId = () => String(++snowflake);

export const BOT_TOKEN = 'test-bot-token';

export async function startFakeDiscord(options: FakeDiscordOptions = {}) {
  const token = options.token ?? BOT_TOKEN;
  const ttl = options.interactionTtlMs ?? 15 * 60_000;
  const ackDeadline = options.ackDeadlineMs ?? 3000;
  const bot = {
    id: nextId(),
    username: 'recap',
    discriminator: '0',
    global_name: 'recap',
    avatar: null,
    bot: true,
  };
  const applicationId = bot.id;
  const alice = { id: nextId(), username: 'alice', discriminator: '0', global_name: 'Alice', avatar: null };
  const otherBot = {
    id: nextId(),
    username: 'otherbot',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  const guildId = nextId();
  const textChannel = channelObject(nextId(), 0, 'general', guildId);
  const dmChannel = { id: nextId(), type: 1, recipients: [alice], last_message_id: null };
  const channels = new Map<string, Json>([
    [textChannel.id as string, textChannel],
    [dmChannel.id, dmChannel],
  ]);
  const messages = new Map<string, Json>();
  const interactions = new Map<string, InteractionRecord>();
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const rest: RestCall[] = [];
  const gatewayLog: { op: number; t?: string; at: number }[] = [];
  const sockets = new Set<WebSocket>();
  let session: { id: string; seq: number; history: Json[] } | undefined;
  let current: WebSocket | undefined;
  let threadsAllowed = true;

  const local = await listenLocal((request, response, body) => {
    route(request, response, body);
  });
  const wsUrl = `${local.url.replace('http', 'ws')}/gateway`;
  const gateway = new WebSocketServer({ server: local.server, path: '/gateway' });
  gateway.on('connection', (socket) => {
    sockets.add(socket);
    current = socket;
    socket.on('close', () => sockets.delete(socket));
    send(socket, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    socket.on('message', (raw) =>
      onGatewayMessage(socket, JSON.parse(String(raw)) as { op: number; d: Json }),
    );
  });

  function send(socket: WebSocket, payload: Json): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  function onGatewayMessage(socket: WebSocket, payload: { op: number; d: Json }): unknown {
    gatewayLog.push({ op: payload.op, at: Date.now() });
    switch (payload.op) {
      case 1:
        return send(socket, { op: 11, d: null, s: null, t: null });
      case 2: {
        if (payload.d.token !== token) return void socket.close(4004, 'Authentication failed');
        session = { id: randomUUID(), seq: 0, history: [] };
        dispatch('READY', {
          v: 10,
          user: bot,
          guilds: [{ id: guildId, unavailable: true }],
          session_id: session.id,
          resume_gateway_url: wsUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          user_settings: {},
        });
        dispatch('GUILD_CREATE', guildObject());
        return;
      }
      case 6: {
        if (!session || payload.d.session_id !== session.id || payload.d.token !== token) {
          return send(socket, { op: 9, d: false, s: null, t: null });
        }
        const from = Number(payload.d.seq ?? 0);
        for (const event of session.history.filter((e) => Number(e.s) > from)) send(socket, event);
        dispatch('RESUMED', {});
        return;
      }
      default:
        return;
    }
  }

  function dispatch(type: string, data: unknown): void {
    if (!session) throw new Error('no gateway session: the bot has not logged in');
    const event = { op: 0, t: type, s: ++session.seq, d: data };
    session.history.push(event);
    gatewayLog.push({ op: 0, t: type, at: Date.now() });
    if (current) send(current, event);
  }

  function guildObject(): Json {
    return {
      id: guildId,
      name: 'Test Guild',
      icon: null,
      owner_id: alice.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [
        {
          id: guildId,
          name: '@everyone',
          permissions: '1071698660929',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [
        { user: bot, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      ],
      channels: [...channels.values()].filter((c) => c.guild_id === guildId && c.type === 0),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  function messageObject(fields: {
    channelId: string;
    author: Json;
    content?: string;
    attachments?: Json[];
    reference?: string;
    extra?: Json;
  }): Json {
    const id = nextId();
    const channel = channels.get(fields.channelId);
    const message: Json = {
      id,
      channel_id: fields.channelId,
      ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author: fields.author,
      content: fields.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: fields.attachments ?? [],
      embeds: [],
      pinned: false,
      type: fields.reference ? 19 : 0,
      flags: 0,
      components: [],
      ...(fields.reference
        ? {
            message_reference: {
              type: 0,
              message_id: fields.reference,
              channel_id: fields.channelId,
              guild_id: channel?.guild_id,
            },
            referenced_message: messages.get(fields.reference) ?? null,
          }
        : {}),
      ...fields.extra,
    };
    messages.set(id, message);
    return message;
  }

  function applyEdit(message: Json, body: Json): Json {
    for (const key of ['content', 'embeds', 'allowed_mentions', 'flags', 'components'] as const) {
      if (key in body) message[key] = body[key];
    }
    message.edited_timestamp = new Date().toISOString();
    return message;
  }

  function route(request: IncomingMessage, response: ServerResponse, raw: Buffer): unknown {
    const url = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/attachments/')) {
      const file = attachments.get(url.pathname);
      if (!file) return sendJson(response, 404, { message: 'Not Found' });
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      return void response.end(file.bytes);
    }
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const body =
      raw.length > 0 && request.headers['content-type']?.includes('json')
        ? (JSON.parse(raw.toString()) as Json)
        : undefined;
    rest.push({ method, path: decodeURIComponent(path), body, at: Date.now() });
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const authorized = request.headers.authorization === `Bot ${token}`;
    const needsBotAuth = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    if (needsBotAuth && !authorized)
      return sendJson(response, 401, { message: '401: Unauthorized', code: 0 });

    if (method === 'GET' && path === '/gateway/bot') {
      return sendJson(response, 200, {
        url: wsUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me') return sendJson(response, 200, bot);
    if (method === 'GET' && path === '/applications/@me')
      return sendJson(response, 200, { id: applicationId, name: 'recap', bot });
    if (method === 'PUT' && parts[0] === 'applications' && parts.at(-1) === 'commands') {
      const commands = ((body as unknown as Json[]) ?? []).map((command) => ({
        ...command,
        id: nextId(),
        application_id: applicationId,
        version: nextId(),
      }));
      return sendJson(response, 200, commands);
    }
    if (method === 'POST' && parts[0] === 'interactions' && parts[3] === 'callback') {
      const interaction = interactions.get(parts[2] ?? '');
      if (!interaction || interaction.id !== parts[1])
        return sendJson(response, 404, { message: 'Unknown interaction', code: 10062 });
      if (interaction.acknowledgedAt !== undefined) {
        return sendJson(response, 400, {
          message: 'Interaction has already been acknowledged.',
          code: 40060,
        });
      }
      if (Date.now() - interaction.dispatchedAt > ackDeadline)
        return sendJson(response, 404, { message: 'Unknown interaction', code: 10062 });
      interaction.acknowledgedAt = Date.now();
      const data = (body?.data ?? {}) as Json;
      const original = messageObject({
        channelId: interaction.channelId,
        author: bot,
        content: (data.content as string | undefined) ?? '',
        extra: {
          flags: Number(data.flags ?? 0) | (body?.type === 5 ? 128 : 0),
          webhook_id: applicationId,
          application_id: applicationId,
          type: 20,
        },
      });
      if (data.embeds) original.embeds = data.embeds;
      interaction.originalId = original.id as string;
      response.writeHead(204);
      return void response.end();
    }
    if (parts[0] === 'webhooks') {
      const interaction = interactions.get(parts[2] ?? '');
      if (!interaction || Date.now() - interaction.dispatchedAt > ttl) {
        return sendJson(response, 401, { message: 'Invalid Webhook Token', code: 50027 });
      }
      if (parts[3] === 'messages' && parts[4] === '@original') {
        const original = messages.get(interaction.originalId ?? '');
        if (!original) return sendJson(response, 404, { message: 'Unknown Message', code: 10008 });
        if (method === 'GET') return sendJson(response, 200, original);
        if (method === 'PATCH') return sendJson(response, 200, applyEdit(original, body ?? {}));
        if (method === 'DELETE') {
          messages.delete(original.id as string);
          response.writeHead(204);
          return void response.end();
        }
      }
      if (method === 'POST' && parts.length === 3) {
        const message = messageObject({
          channelId: interaction.channelId,
          author: bot,
          content: String(body?.content ?? ''),
          extra: { flags: Number(body?.flags ?? 0), webhook_id: applicationId },
        });
        if (body?.embeds) message.embeds = body.embeds;
        return sendJson(response, 200, message);
      }
    }
    if (parts[0] === 'channels') {
      const channel = channels.get(parts[1] ?? '');
      if (!channel) return sendJson(response, 404, { message: 'Unknown Channel', code: 10003 });
      if (method === 'GET' && parts.length === 2) return sendJson(response, 200, channel);
      if (method === 'POST' && parts[2] === 'typing') {
        response.writeHead(204);
        return void response.end();
      }
      if (method === 'POST' && parts[2] === 'messages' && parts.length === 3) {
        const message = messageObject({
          channelId: channel.id as string,
          author: bot,
          content: String(body?.content ?? ''),
        });
        if (body?.embeds) message.embeds = body.embeds;
        if (body?.message_reference) message.message_reference = body.message_reference;
        return sendJson(response, 200, message);
      }
      const message = messages.get(parts[3] ?? '');
      if (parts[2] === 'messages' && parts.length >= 4 && (!message || message.channel_id !== channel.id)) {
        return sendJson(response, 404, { message: 'Unknown Message', code: 10008 });
      }
      if (message && method === 'GET' && parts.length === 4) return sendJson(response, 200, message);
      if (message && method === 'PATCH' && parts.length === 4) {
        if ((message.author as Json).id !== bot.id)
          return sendJson(response, 403, {
            message: 'Cannot edit a message authored by another user',
            code: 50005,
          });
        return sendJson(response, 200, applyEdit(message, body ?? {}));
      }
      if (message && method === 'POST' && parts[4] === 'threads' && !threadsAllowed) {
        return sendJson(response, 403, { message: 'Missing Permissions', code: 50013 });
      }
      if (message && method === 'POST' && parts[4] === 'threads') {
        if (channels.has(message.id as string)) {
          return sendJson(response, 400, {
            message: 'A thread has already been created for this message',
            code: 160004,
          });
        }
        const thread: Json = {
          ...channelObject(
            message.id as string,
            11,
            String(body?.name ?? 'thread'),
            channel.guild_id as string,
          ),
          parent_id: channel.id,
          owner_id: bot.id,
          thread_metadata: {
            archived: false,
            auto_archive_duration: Number(body?.auto_archive_duration ?? 1440),
            archive_timestamp: new Date().toISOString(),
            locked: false,
          },
          message_count: 0,
          member_count: 1,
          total_message_sent: 0,
        };
        channels.set(thread.id as string, thread);
        message.flags = Number(message.flags ?? 0) | 32;
        message.thread = thread;
        return sendJson(response, 201, thread);
      }
    }
    return sendJson(response, 404, { message: `no fake for ${method} ${path}`, code: 0 });
  }

  return {
    url: local.url,
    /** DISCORD_REST_API for the client. */
    restApi: `${local.url}/api`,
    bot,
    alice,
    otherBot,
    guildId,
    textChannelId: textChannel.id as string,
    dmChannelId: dmChannel.id,
    rest,
    gatewayLog,
    messages,
    channels,
    interactions,

    /** A file on the fake CDN, as an attachment object. */
    attachment(name: string, bytes: Buffer, contentType: string): Json {
      const id = nextId();
      const path = `/attachments/${textChannel.id}/${id}/${encodeURIComponent(name)}`;
      attachments.set(path, { bytes, contentType });
      return {
        id,
        filename: name,
        size: bytes.length,
        url: `${local.url}${path}`,
        proxy_url: `${local.url}${path}`,
        content_type: contentType,
      };
    },

    /** A person posts a message: stored, then dispatched as MESSAGE_CREATE. */
    postMessage(fields: {
      content: string;
      author?: Json;
      attachments?: Json[];
      replyTo?: string;
      channelId?: string;
    }): Json {
      const author = fields.author ?? alice;
      const message = messageObject({
        channelId: fields.channelId ?? (textChannel.id as string),
        author,
        content: fields.content,
        ...(fields.attachments ? { attachments: fields.attachments } : {}),
        ...(fields.replyTo ? { reference: fields.replyTo } : {}),
      });
      message.mentions = fields.content.includes(`<@${bot.id}>`) ? [bot] : [];
      const channel = channels.get(message.channel_id as string);
      dispatch('MESSAGE_CREATE', {
        ...message,
        ...(channel?.guild_id
          ? { member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } }
          : {}),
      });
      return message;
    },

    /** A stored message as if posted before the bot was running (not dispatched). */
    existingMessage(fields: { content: string; attachments?: Json[]; author?: Json }): Json {
      return messageObject({
        channelId: textChannel.id as string,
        author: fields.author ?? alice,
        content: fields.content,
        ...(fields.attachments ? { attachments: fields.attachments } : {}),
      });
    },

    /** `/summarize` with the given options, dispatched as INTERACTION_CREATE. */
    slashCommand(
      optionValues: { link?: string; text?: string; language?: string; file?: Json },
      where: { channelId?: string } = {},
    ) {
      const options: Json[] = [];
      for (const name of ['link', 'text', 'language'] as const) {
        const value = optionValues[name];
        if (value !== undefined) options.push({ name, type: 3, value });
      }
      const resolved = optionValues.file
        ? { attachments: { [optionValues.file.id as string]: optionValues.file } }
        : undefined;
      if (optionValues.file) options.push({ name: 'file', type: 11, value: optionValues.file.id });
      return interact(
        2,
        { id: nextId(), name: 'summarize', type: 1, options, ...(resolved ? { resolved } : {}) },
        where.channelId,
      );
    },

    /** Apps → Summarize on a message. */
    messageCommand(target: Json) {
      return interact(2, {
        id: nextId(),
        name: 'Summarize',
        type: 3,
        target_id: target.id,
        resolved: { messages: { [target.id as string]: target } },
      });
    },

    /** A thread someone started on a message before: created and announced with THREAD_CREATE. */
    threadOn(message: Json): string {
      const thread: Json = {
        ...channelObject(message.id as string, 11, 'Discussion', guildId),
        parent_id: message.channel_id,
        owner_id: alice.id,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: new Date().toISOString(),
          locked: false,
        },
        message_count: 0,
        member_count: 1,
        newly_created: true,
      };
      channels.set(thread.id as string, thread);
      message.flags = Number(message.flags ?? 0) | 32;
      dispatch('THREAD_CREATE', thread);
      return thread.id as string;
    },

    /** Takes away the bot's Create Public Threads permission. */
    denyThreads(): void {
      threadsAllowed = false;
    },

    /** Closes the gateway connection as Discord does before asking for a resume. */
    closeGateway(code = 4000): void {
      current?.close(code, 'test');
    },

    async close(): Promise<void> {
      for (const socket of sockets) socket.terminate();
      gateway.close();
      await local.close();
    },
  };

  function interact(type: number, data: Json, channelId = textChannel.id as string) {
    const id = nextId();
    const interactionToken = `itoken-${randomUUID()}`;
    interactions.set(interactionToken, { id, token: interactionToken, channelId, dispatchedAt: Date.now() });
    const channel = channels.get(channelId) ?? {};
    const inGuild = Boolean(channel.guild_id);
    dispatch('INTERACTION_CREATE', {
      id,
      application_id: applicationId,
      type,
      data,
      ...(inGuild
        ? {
            guild_id: guildId,
            member: {
              user: alice,
              roles: [],
              permissions: '1071698660929',
              joined_at: new Date().toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
            },
          }
        : { user: alice }),
      channel_id: channelId,
      channel,
      token: interactionToken,
      version: 1,
      app_permissions: '1071698660929',
      locale: 'en-US',
      ...(inGuild ? { guild_locale: 'en-US' } : {}),
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: inGuild ? 0 : 1,
    });
    return { id, token: interactionToken };
  }
}

function channelObject(id: string, type: number, name: string, guildId: string): Json {
  return {
    id,
    type,
    name,
    guild_id: guildId,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
