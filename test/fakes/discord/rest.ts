/**
 * The REST router of the fake Discord: records every call, answers a queued fault first, checks the
 * bot token ("Authorization: Bot …"; interaction and webhook routes authenticate by their token
 * instead, receiving-and-responding.mdx), then hands the call to its route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { channelRoute } from './channels.js';
import { type Context, type Request, sendError } from './context.js';
import type { DirectMessages } from './direct-messages.js';
import { type Faults, sendFault } from './faults.js';
import { callback, webhook } from './interactions.js';
import type { Json } from './world.js';

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  at: number;
}

export interface RestDeps {
  ctx: Context;
  token: string;
  wsUrl: string;
  faults: Faults;
  calls: RestCall[];
  attachments: Map<string, { bytes: Buffer; contentType: string }>;
  directMessages: DirectMessages;
}

export function handleRest(
  deps: RestDeps,
  incoming: IncomingMessage,
  response: ServerResponse,
  raw: Buffer,
): unknown {
  const url = new URL(incoming.url ?? '/', 'http://x');
  const method = incoming.method ?? 'GET';
  if (url.pathname.startsWith('/attachments/')) return serveAttachment(deps, url.pathname, response);
  const path = url.pathname.replace(/^\/api\/v10/, '');
  const body =
    raw.length > 0 && incoming.headers['content-type']?.includes('json')
      ? (JSON.parse(raw.toString()) as Json)
      : undefined;
  deps.calls.push({ method, path: decodeURIComponent(path), body, at: Date.now() });
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const queued = deps.faults.take(method, path);
  if (queued) return sendFault(response, queued.route, queued.fault);
  const request: Request = { method, path, parts, query: url.searchParams, body };
  if (parts[0] === 'interactions' && parts[3] === 'callback' && method === 'POST') {
    return callback(deps.ctx, request, response);
  }
  if (parts[0] === 'webhooks') return webhook(deps.ctx, request, response);
  if (incoming.headers.authorization !== `Bot ${deps.token}`) {
    return sendJson(response, 401, { message: '401: Unauthorized', code: 0 });
  }
  if (deps.directMessages.route(request, response)) return undefined;
  if (parts[0] === 'channels') return channelRoute(deps.ctx, request, response);
  return otherRoute(deps, request, response);
}

function otherRoute(deps: RestDeps, request: Request, response: ServerResponse): unknown {
  const { world, applicationId } = deps.ctx;
  const { method, path, parts } = request;
  if (method === 'GET' && path === '/gateway/bot') {
    return sendJson(response, 200, {
      url: deps.wsUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
    });
  }
  if (method === 'GET' && path === '/users/@me') return sendJson(response, 200, world.bot);
  if (method === 'GET' && path === '/applications/@me') {
    return sendJson(response, 200, { id: applicationId, name: world.bot.username, bot: world.bot });
  }
  if (method === 'PUT' && parts[0] === 'applications' && parts.at(-1) === 'commands') {
    const commands = ((request.body as unknown as Json[]) ?? []).map((command, index) => ({
      ...command,
      id: `${applicationId}${index}`,
      application_id: applicationId,
      version: '1',
    }));
    return sendJson(response, 200, commands);
  }
  if (method === 'GET' && parts[0] === 'users' && parts.length === 2) {
    const user = world.users.get(parts[1] ?? '');
    return user
      ? sendJson(response, 200, user)
      : sendError(response, { status: 404, body: { message: 'Unknown User', code: 10013 } });
  }
  if (parts[0] === 'guilds' && parts[1] !== world.guildId) {
    return sendError(response, { status: 404, body: { message: 'Unknown Guild', code: 10004 } });
  }
  if (method === 'GET' && parts[0] === 'guilds' && parts[2] === 'members' && parts.length === 4) {
    const member = world.memberObject(parts[3] ?? '');
    return member
      ? sendJson(response, 200, member)
      : sendError(response, { status: 404, body: { message: 'Unknown Member', code: 10007 } });
  }
  if (method === 'GET' && parts[0] === 'guilds' && parts[2] === 'roles' && parts.length === 3) {
    // "Get Guild Roles": every role of the guild (guild.mdx); any member's bot may list them.
    return sendJson(response, 200, [...world.roles.values()]);
  }
  if (method === 'GET' && parts[0] === 'guilds' && parts[2] === 'threads' && parts[3] === 'active') {
    // "Returns all active threads in the guild ... ordered by their id, in descending order" (guild.mdx).
    const threads = world
      .channelsOfGuild()
      .filter((c) => c.thread_metadata && !(c.thread_metadata as Json).archived)
      .filter((c) => world.can(world.bot.id, String(c.id), 'ViewChannel'))
      .sort((a, b) => (BigInt(String(b.id)) > BigInt(String(a.id)) ? 1 : -1));
    return sendJson(response, 200, { threads, members: [] });
  }
  return sendJson(response, 404, { message: `no fake for ${method} ${path}`, code: 0 });
}

function serveAttachment(deps: RestDeps, pathname: string, response: ServerResponse): unknown {
  const file = deps.attachments.get(pathname);
  if (!file) return sendJson(response, 404, { message: 'Not Found' });
  response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
  return response.end(file.bytes);
}
