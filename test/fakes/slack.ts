/**
 * A wire-compatible stand-in for Slack (https://api.slack.com): the Web API under SLACK_API_URL, the
 * Socket Mode WebSocket that `apps.connections.open` hands out, response_url endpoints, and private
 * file downloads. It records every Web API call, checks tokens, can answer a method with HTTP 429
 * and Retry-After once, and signs requests to an app's /slack/events the way Slack does (v0 HMAC-SHA256
 * of `v0:timestamp:body`), retries included (X-Slack-Retry-Num with the same event_id).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenLocal, sendJson } from './http.js';

export const SLACK_BOT_TOKEN = 'xoxb-test-token';
export const SLACK_APP_TOKEN = 'xapp-1-test-token';
export const SIGNING_SECRET = 'test-signing-secret';

export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

type Json = Record<string, unknown>;

/** Slack's signature: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function startFakeSlack() {
  const calls: WebApiCall[] = [];
  const responses: { path: string; body: Json }[] = [];
  const downloads: { path: string; authorization: string | undefined }[] = [];
  const acks: Json[] = [];
  const files = new Map<string, { info: Json; bytes: Buffer }>();
  const messages = new Map<string, Json[]>(); // channel → messages
  const rateLimitOnce = new Set<string>();
  const notInChannel = new Set<string>();
  const sockets = new Set<WebSocket>();
  let tsCounter = 1_700_000_000;
  const nextTs = () => `${++tsCounter}.000100`;
  const bot = { userId: 'UBOT0001', botId: 'BBOT0001', teamId: 'T0000001' };

  const local = await listenLocal((request, response, raw) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/respond/')) {
      responses.push({ path: url.pathname, body: JSON.parse(raw.toString() || '{}') as Json });
      return sendJson(response, 200, { ok: true });
    }
    if (url.pathname.startsWith('/files-pri/')) {
      const authorization = request.headers.authorization;
      downloads.push({ path: url.pathname, authorization });
      const file = files.get(url.pathname);
      if (!file || authorization !== `Bearer ${SLACK_BOT_TOKEN}`) {
        response.writeHead(403, { 'content-type': 'text/html' });
        return void response.end('<html>Sign in to Slack</html>');
      }
      response.writeHead(200, { 'content-type': String(file.info.mimetype ?? 'application/octet-stream') });
      return void response.end(file.bytes);
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(request.headers['content-type'], raw);
    const token =
      (request.headers.authorization ?? '').replace(/^Bearer /, '') || (args.token as string | undefined);
    calls.push({ method, args, token, at: Date.now() });
    if (rateLimitOnce.delete(method)) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return void response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    if (method === 'apps.connections.open') {
      if (token !== SLACK_APP_TOKEN) return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
      return sendJson(response, 200, {
        ok: true,
        url: `${local.url.replace('http', 'ws')}/socket?ticket=${randomUUID()}`,
      });
    }
    if (token !== SLACK_BOT_TOKEN) return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
    return sendJson(response, 200, webApi(method, args));
  });

  function webApi(method: string, args: Json): Json {
    const channel = String(args.channel ?? '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'Test',
          user: 'recap',
          team_id: bot.teamId,
          user_id: bot.userId,
          bot_id: bot.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        if (notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const message = { ...args, ts: nextTs(), user: bot.userId, bot_id: bot.botId, type: 'message' };
        messages.set(channel, [...(messages.get(channel) ?? []), message]);
        return { ok: true, channel, ts: message.ts, message };
      }
      case 'chat.update':
        return { ok: true, channel, ts: args.ts, text: args.text };
      case 'chat.delete':
        return { ok: true, channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.replies': {
        const all = messages.get(channel) ?? [];
        const thread = all.filter((m) => m.ts === args.ts || m.thread_ts === args.ts);
        return { ok: true, messages: thread, has_more: false };
      }
      case 'files.info': {
        const file = [...files.values()].find((f) => f.info.id === args.file);
        return file ? { ok: true, file: file.info } : { ok: false, error: 'file_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const socketServer = new WebSocketServer({ server: local.server, path: '/socket' });
  socketServer.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (raw) => acks.push(JSON.parse(String(raw)) as Json));
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0000001' },
      }),
    );
  });

  return {
    url: local.url,
    /** SLACK_API_URL for the app. */
    apiUrl: `${local.url}/api/`,
    bot,
    calls,
    responses,
    downloads,
    acks,
    rateLimitOnce,
    notInChannel,
    callsTo: (method: string) => calls.filter((call) => call.method === method),

    /** A message already in a channel (for threads and shortcuts). */
    addMessage(channel: string, message: Json): Json {
      const stored = { type: 'message', ts: nextTs(), ...message };
      messages.set(channel, [...(messages.get(channel) ?? []), stored]);
      return stored;
    },

    /** A file that files.info describes and /files-pri serves, with the bot token only. */
    addFile(name: string, bytes: Buffer, mimetype: string): Json {
      const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
      const path = `/files-pri/${bot.teamId}-${id}/download/${encodeURIComponent(name)}`;
      const info = {
        id,
        name,
        title: name,
        mimetype,
        size: bytes.length,
        url_private: `${local.url}${path}`,
        url_private_download: `${local.url}${path}`,
      };
      files.set(path, { info, bytes });
      return info;
    },

    nextTs,

    /** An Events API callback body, as Slack posts it. */
    eventBody(event: Json, eventId = `Ev${randomUUID().slice(0, 10).toUpperCase()}`): Json {
      return {
        token: 'verification-token',
        team_id: bot.teamId,
        api_app_id: 'A0000001',
        event: { event_ts: event.ts, ...event },
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          { team_id: bot.teamId, user_id: bot.userId, is_bot: true, is_enterprise_install: false },
        ],
        is_ext_shared_channel: false,
      };
    },

    /** A slash command's form fields. */
    commandForm(text: string, channel = 'C0000001', user = 'U0000001'): Record<string, string> {
      return {
        token: 'verification-token',
        team_id: bot.teamId,
        team_domain: 'test',
        channel_id: channel,
        channel_name: 'general',
        user_id: user,
        user_name: 'ana',
        command: '/summarize',
        text,
        api_app_id: 'A0000001',
        response_url: `${local.url}/respond/${randomUUID()}`,
        trigger_id: `${Date.now()}.1.abc`,
      };
    },

    /** A message shortcut's payload. */
    shortcutPayload(channel: string, message: Json, user = 'U0000001'): Json {
      return {
        type: 'message_action',
        token: 'verification-token',
        action_ts: `${Date.now() / 1000}`,
        team: { id: bot.teamId, domain: 'test' },
        user: { id: user, username: 'ana', team_id: bot.teamId, name: 'ana' },
        channel: { id: channel, name: 'general' },
        callback_id: 'summarize',
        trigger_id: `${Date.now()}.1.def`,
        message_ts: message.ts,
        message,
        response_url: `${local.url}/respond/${randomUUID()}`,
      };
    },

    /** Socket Mode: sends an envelope and resolves with the app's acknowledgement. */
    async sendEnvelope(
      type: 'events_api' | 'slash_commands' | 'interactive',
      payload: Json,
      retryAttempt = 0,
    ): Promise<Json> {
      const socket = [...sockets][0];
      if (!socket) throw new Error('no Socket Mode connection');
      const envelopeId = randomUUID();
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: retryAttempt,
          retry_reason: retryAttempt ? 'timeout' : '',
        }),
      );
      for (let i = 0; i < 500; i++) {
        const ack = acks.find((a) => a.envelope_id === envelopeId);
        if (ack) return ack;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the app did not acknowledge the envelope');
    },

    socketConnections: () => sockets.size,

    async close(): Promise<void> {
      for (const socket of sockets) socket.terminate();
      socketServer.close();
      await local.close();
    },
  };
}

function parseArgs(contentType: string | undefined, raw: Buffer): Json {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) return JSON.parse(text || '{}') as Json;
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
