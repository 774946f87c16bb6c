import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal, sendJson } from '../http.js';
import { AppHome } from './direct-messages.js';
import { type Fault, Limits, type TierOptions } from './limits.js';
import { commandForm, eventBody, shortcutPayload } from './payloads.js';
import { RESPONSE_URL_TTL_MS, ResponseUrls } from './response-urls.js';
import { type HistoryEntry, Seeds } from './seeds.js';
import { SocketMode } from './socket-mode.js';
import { callMethod, type WebApiContext } from './web-api.js';
import { type Json, Workspace } from './workspace.js';

export type { HistoryEntry } from './seeds.js';
export { postSigned, slackSignature } from './signature.js';

export const SLACK_BOT_TOKEN = 'xoxb-test-token';
export const SLACK_APP_TOKEN = 'xapp-1-test-token';
export const SIGNING_SECRET = 'test-signing-secret';

export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export interface FakeSlackOptions {
  /** How long a response_url works (Slack: 30 minutes). */
  responseUrlTtlMs?: number;
  /** Count calls per tier and answer 429 beyond the budget (limits.ts); off by default. */
  tiers?: TierOptions;
  /** Refuse chat.update on messages older than this with `edit_window_closed` (a team setting). */
  editWindowMs?: number;
}

export async function startFakeSlack(options: FakeSlackOptions = {}) {
  const bot = { userId: 'UBOT0001', botId: 'BBOT0001', teamId: 'T0000001' };
  const workspace = new Workspace(bot.teamId);
  workspace.addUser(bot.userId, { name: 'recap', realName: 'recap', isBot: true, botId: bot.botId });
  const people = [
    ['U0000001', 'ana', 'Ana Lima'],
    ['U0000002', 'ben', 'Ben O’Neil'],
    ['U0000003', 'cy', 'Cy Park'],
  ];
  for (const [id, name, realName] of people)
    workspace.addUser(String(id), { name: String(name), realName: String(realName) });
  workspace.addConversation('C0000001', {
    name: 'general',
    members: [bot.userId, ...people.map(([id]) => String(id))],
  });
  workspace.addConversation('D0000001', { members: [bot.userId, 'U0000002'] });
  const calls: WebApiCall[] = [];
  const downloads: { path: string; authorization: string | undefined }[] = [];
  const files = new Map<string, { info: Json; bytes: Buffer }>();
  const limits = new Limits(options.tiers);
  const api: WebApiContext = {
    workspace,
    bot,
    files,
    ephemerals: [],
    historyLimit: limits.historyLimit,
    editWindowMs: options.editWindowMs,
    appHome: new AppHome(workspace, bot.userId),
  };
  const local = await listenLocal((request, response, raw) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/respond/')) responseUrls.handle(url.pathname, raw, response);
    else if (url.pathname.startsWith('/files-pri/')) download(url.pathname, request, response);
    else webApi(url.pathname.replace(/^\/api\//, ''), request, raw, response);
  });
  const signIn = await startSignInPage();
  let filesRefused = false;
  const responseUrls = new ResponseUrls(local.url, options.responseUrlTtlMs ?? RESPONSE_URL_TTL_MS);
  const socketMode = new SocketMode(local.server);
  const seeds = new Seeds(workspace, bot, files, local.url);

  function webApi(method: string, request: IncomingMessage, raw: Buffer, response: ServerResponse): unknown {
    const args = parseArgs(request.headers['content-type'], raw);
    const token =
      (request.headers.authorization ?? '').replace(/^Bearer /, '') || (args.token as string | undefined);
    calls.push({ method, args, token, at: Date.now() });
    const fault = limits.check(method);
    if (fault) return sendFault(response, fault);
    if (method === 'apps.connections.open') {
      if (token !== SLACK_APP_TOKEN) return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
      return sendJson(response, 200, {
        ok: true,
        url: `${local.url.replace('http', 'ws')}/socket?ticket=${randomUUID()}`,
      });
    }
    if (token !== SLACK_BOT_TOKEN) return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
    return sendJson(response, 200, callMethod(api, method, args));
  }

  function download(path: string, request: IncomingMessage, response: ServerResponse): unknown {
    const authorization = request.headers.authorization;
    downloads.push({ path, authorization });
    if (filesRefused || authorization !== `Bearer ${SLACK_BOT_TOKEN}`) return signIn.redirect(path, response);
    const file = files.get(path);
    if (!file)
      return void response.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not found</html>');
    response.writeHead(200, { 'content-type': String(file.info.mimetype ?? 'application/octet-stream') });
    return response.end(file.bytes);
  }

  const rateLimitNext = (method: string, seconds = 1) => limits.add(method, { kind: 'rate-limit', seconds });

  return {
    url: local.url,
    /** SLACK_API_URL for the app. */
    apiUrl: `${local.url}/api/`,
    bot,
    workspace,
    calls,
    /** What people saw through response_url, in order (accepted posts only). */
    responses: responseUrls.accepted,
    /** Every POST to a response_url, with the status the fake answered. */
    responseAttempts: responseUrls.attempts,
    /** Public messages a response_url replaced (a shortcut's source message, unless replace_original: false). */
    sourcesReplaced: responseUrls.sourcesReplaced,
    /** chat.postEphemeral messages (never in history). */
    ephemerals: api.ephemerals,
    downloads,
    acks: socketMode.acks,
    callsTo: (method: string) => calls.filter((call) => call.method === method),

    /** The next call to `method` answers HTTP 429 with Retry-After (seconds), once. */
    rateLimitNext,
    /** The call to `method` after the next `passes` ones answers HTTP 429 with Retry-After (seconds), once. */
    rateLimitAfter(method: string, passes: number, seconds = 1): void {
      for (let pass = 0; pass < passes; pass++) limits.add(method, { kind: 'pass' });
      rateLimitNext(method, seconds);
    },
    /** Kept for older tests: `rateLimitOnce.add(method)` is `rateLimitNext(method, 1)`. */
    rateLimitOnce: { add: (method: string) => rateLimitNext(method, 1) },
    /** The next call to `method` fails once: `{ ok: false, error }`, or an HTTP status. */
    failNext(method: string, failure: { error: string } | { status: number }): void {
      limits.add(
        method,
        'error' in failure
          ? { kind: 'error', error: failure.error }
          : { kind: 'status', status: failure.status },
      );
    },
    /**
     * From now on the file host refuses the bot's token (the app lost files:read, or the file was
     * unshared): every download is sent to the sign-in page.
     */
    refuseFiles: () => {
      filesRefused = true;
    },
    /** The workspace's sign-in page, where a refused download is redirected: http://127.0.0.1:<port> */
    signInUrl: signIn.url,
    /** From now on the app has no Messages tab: posts to a person's id answer `messages_tab_disabled`. */
    disableMessagesTab: () => api.appHome.disableMessagesTab(),
    /** The next POST to a response_url fails with this HTTP status, once. */
    failResponseUrlNext({ status }: { status: number }): void {
      responseUrls.failNext(status);
    },
    /** Kept for older tests: a public channel the bot is not in (its posts answer `not_in_channel`). */
    notInChannel: {
      add: (channel: string) => seeds.seedChannel(channel, { members: ['U0000001', 'U0000002', 'U0000003'] }),
    },

    seedChannel: seeds.seedChannel.bind(seeds),
    setMembers: seeds.setMembers.bind(seeds),
    addUser: seeds.addUser.bind(seeds),
    seedHistory: (channel: string, entries: HistoryEntry[]) => seeds.seedHistory(channel, entries),
    /** A message already in a channel (for threads and shortcuts). */
    addMessage: (channel: string, message: Json) =>
      workspace.store(channel, { ts: workspace.nextTs(), ...message }),
    editMessage: seeds.editMessage.bind(seeds),
    deleteMessage: seeds.deleteMessage.bind(seeds),
    /** A file that files.info describes and /files-pri serves, with the bot token only. */
    addFile: seeds.addFile.bind(seeds),
    nextTs: () => workspace.nextTs(),

    /**
     * An Events API callback body, as Slack posts it. A message or app_mention event reports a message
     * someone posted, so that message is stored in its conversation too (when it is not already).
     */
    eventBody(event: Json, eventId?: string): Json {
      const channel = String(event.channel ?? '');
      const reportsMessage = event.type === 'message' || event.type === 'app_mention';
      if (
        reportsMessage &&
        workspace.conversations.has(channel) &&
        !workspace.find(channel, String(event.ts))
      ) {
        const { type: _type, channel_type: _channelType, event_ts: _eventTs, ...message } = event;
        workspace.store(channel, message);
      }
      return eventBody(bot.teamId, bot.userId, event, eventId);
    },
    /** A slash command's form fields, with a fresh response_url. */
    commandForm(
      text: string,
      channel = 'C0000001',
      user = 'U0000001',
      command = '/summarize',
    ): Record<string, string> {
      const userName = workspace.users.get(user)?.name ?? 'ana';
      return commandForm(bot.teamId, {
        text,
        channel,
        user,
        userName,
        command,
        responseUrl: responseUrls.issue(),
      });
    },
    /** A message shortcut's payload, with a fresh response_url. */
    shortcutPayload(channel: string, message: Json, user = 'U0000001', callbackId = 'summarize'): Json {
      const userName = workspace.users.get(user)?.name ?? 'ana';
      return shortcutPayload(bot.teamId, {
        channel,
        message,
        user,
        userName,
        callbackId,
        responseUrl: responseUrls.issue(message),
      });
    },
    /** Socket Mode: sends an envelope and resolves with the app's acknowledgement. */
    sendEnvelope: (type: 'events_api' | 'slash_commands' | 'interactive', payload: Json, retryAttempt = 0) =>
      socketMode.send(type, payload, retryAttempt),
    socketConnections: () => socketMode.connections,

    async close(): Promise<void> {
      socketMode.close();
      await Promise.all([local.close(), signIn.close()]);
    },
  };
}

/**
 * Where Slack's file host sends a download it refuses (no token, a wrong one, a file the token may not
 * read): not a 403 but a 302 to the workspace's sign-in page, https://<workspace>.slack.com/?redir=…,
 * which answers 200 with HTML (drewminns/slackdeletron#48, slackapi/node-slack-sdk#1750). Its own
 * server here, since it is another host than the files'.
 */
async function startSignInPage() {
  const page = await listenLocal((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Sign in to your workspace</h1></body></html>',
    );
  });
  return {
    url: page.url,
    close: page.close,
    redirect(path: string, response: ServerResponse): void {
      response.writeHead(302, { location: `${page.url}/?redir=${encodeURIComponent(path)}` }).end();
    },
  };
}

function sendFault(response: ServerResponse, fault: Exclude<Fault, { kind: 'pass' }>): unknown {
  if (fault.kind === 'error') return sendJson(response, 200, { ok: false, error: fault.error });
  if (fault.kind === 'status') return sendJson(response, fault.status, { ok: false, error: 'fatal_error' });
  response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.seconds) });
  return response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
}

function parseArgs(contentType: string | undefined, raw: Buffer): Json {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) return JSON.parse(text || '{}') as Json;
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(text))
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
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
