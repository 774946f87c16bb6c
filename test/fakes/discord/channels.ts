/**
 * /channels/{id}/… for the bot's own token, with Discord's permission checks:
 * - 50001 Missing Access when the bot cannot see the channel (no View Channel, or a private thread it is
 *   not in), 50013 Missing Permissions when it can see it but lacks the right for the action
 *   (opcodes-and-status-codes.mdx, "JSON Error Codes": 50001 "Missing access", 50013 "You lack
 *   permissions to perform that action"); both are HTTP 403;
 * - Create Message: Send Messages, or Send Messages in Threads in a thread (topics/threads.mdx,
 *   "Permissions": "The SEND_MESSAGES permission has no effect in threads"); Read Message History for a
 *   reply (message.mdx, "Create Message", Limitations); not in a forum (40058); an archived thread is
 *   unarchived by sending (channel.mdx: "The API will helpfully automatically unarchive a thread when
 *   sending a message in that thread");
 * - Get Channel Message: View Channel and Read Message History; Get Channel Messages: View Channel, and
 *   an empty list without Read Message History (message.mdx);
 * - Edit Message: only the author's content (50005), nothing in an archived thread (50083);
 *   Delete Message: another user's needs Manage Messages (message.mdx, "Delete Message");
 * - Start Thread from Message: Create Public Threads (permissions.mdx), one thread per message (160004),
 *   the thread's id is the message's (channel.mdx); not in a forum;
 * - Start Thread in Forum: Send Messages ("CREATE_PUBLIC_THREADS is ignored"), the post's first message
 *   shares the thread's id (threads.mdx, "Forums"); Start Thread without Message: Create Public or
 *   Create Private Threads;
 * - List Public Archived Threads: Read Message History; private ones: also Manage Threads (channel.mdx).
 * - Delete/Close Channel on a thread: Manage Threads (channel.mdx, "Requires the MANAGE_CHANNELS permission
 *   for the guild, or MANAGE_THREADS if the channel is a thread"); THREAD_DELETE follows.
 * DMs have no permissions to check.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { type Context, isApiError, noContent, type Request, sendError } from './context.js';
import { applyEdit } from './interactions.js';
import { type ApiError, errors, historyPage, payloadProblem, redacted, withoutEmbeds } from './messages.js';
import { messageObject, threadObject } from './objects.js';
import type { PermissionName } from './permissions.js';
import { archivedThreads, openThread } from './threads.js';
import { ChannelType, type Json, THREAD_TYPES } from './world.js';

export function channelRoute(ctx: Context, request: Request, response: ServerResponse): unknown {
  const { world } = ctx;
  const { method, parts } = request;
  const channel = world.channels.get(parts[1] ?? '');
  if (!channel) return sendError(response, errors.unknownChannel);
  const id = String(channel.id);
  const guarded = Boolean(channel.guild_id);
  if (guarded && !world.can(world.bot.id, id, 'ViewChannel'))
    return sendError(response, errors.missingAccess);
  const lacks = (...names: PermissionName[]) => guarded && names.some((n) => !world.can(world.bot.id, id, n));
  const [, , resource, messageId, sub] = parts;

  if (parts.length === 2 && method === 'GET') return sendJson(response, 200, channel);
  if (parts.length === 2 && method === 'DELETE' && THREAD_TYPES.has(Number(channel.type))) {
    if (lacks('ManageThreads')) return sendError(response, errors.missingPermissions);
    world.channels.delete(id);
    ctx.gateway.dispatch('THREAD_DELETE', {
      id,
      guild_id: channel.guild_id,
      parent_id: channel.parent_id,
      type: channel.type,
    });
    return sendJson(response, 200, channel);
  }
  if (resource === 'typing' && method === 'POST') return noContent(response);
  if (resource === 'messages' && parts.length === 3) {
    if (method === 'GET') {
      if (lacks('ReadMessageHistory')) return sendJson(response, 200, []);
      const page = historyPage(world, id, Object.fromEntries(request.query) as Json);
      return isApiError(page)
        ? sendError(response, page)
        : sendJson(
            response,
            200,
            page.map((m) => reveal(ctx, m)),
          );
    }
    if (method === 'POST') return createMessage(ctx, channel, request.body ?? {}, response);
  }
  if (resource === 'threads' && parts.length === 3 && method === 'POST') {
    return startThreadWithoutMessage(ctx, channel, request.body ?? {}, response);
  }
  if (resource === 'threads' && messageId === 'archived' && method === 'GET') {
    if (lacks('ReadMessageHistory') || (sub === 'private' && lacks('ManageThreads'))) {
      return sendError(response, errors.missingPermissions);
    }
    return sendJson(response, 200, archivedThreads(ctx, id, sub === 'private', request.query));
  }
  if (resource === 'thread-members' && messageId === '@me' && method === 'PUT') {
    world.threadMembers.set(id, (world.threadMembers.get(id) ?? new Set()).add(world.bot.id));
    return noContent(response);
  }
  if (resource !== 'messages' || !messageId) {
    return sendJson(response, 404, { message: `no fake for ${method} ${request.path}`, code: 0 });
  }
  const message = world.messages.get(messageId);
  // An ephemeral message exists only for its recipient: the channel's endpoints do not know it
  // (discord-api-docs#3090: Edit Message on an ephemeral response "results in an 'Unknown Message'
  // error", while a public interaction response can be edited there; #6007 the same).
  const ephemeral = (Number(message?.flags ?? 0) & 64) !== 0;
  if (!message || message.channel_id !== id || ephemeral) return sendError(response, errors.unknownMessage);
  if (parts.length === 4 && method === 'GET') {
    if (lacks('ReadMessageHistory')) return sendError(response, errors.missingPermissions);
    return sendJson(response, 200, reveal(ctx, message));
  }
  if (parts.length === 4 && method === 'PATCH')
    return editMessage(ctx, channel, message, request.body ?? {}, response);
  if (parts.length === 4 && method === 'DELETE') {
    const own = (message.author as Json).id === world.bot.id;
    if (!own && lacks('ManageMessages')) return sendError(response, errors.missingPermissions);
    deleteStored(ctx, message);
    return noContent(response);
  }
  if (sub === 'threads' && method === 'POST')
    return startThreadFromMessage(ctx, channel, message, request.body ?? {}, response);
  return sendJson(response, 404, { message: `no fake for ${method} ${request.path}`, code: 0 });
}

/** A message as this app may read it over REST. */
export function reveal(ctx: Context, message: Json): Json {
  return ctx.messageContentApproved ? message : redacted(ctx.world, message);
}

export function deleteStored(ctx: Context, message: Json): void {
  ctx.world.messages.delete(String(message.id));
  const channel = ctx.world.channels.get(String(message.channel_id));
  if (channel && THREAD_TYPES.has(Number(channel.type)))
    channel.message_count = Math.max(0, Number(channel.message_count) - 1);
  const isDm = !channel?.guild_id;
  ctx.gateway.dispatch(
    'MESSAGE_DELETE',
    { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id },
    isDm,
  );
}

function createMessage(ctx: Context, channel: Json, body: Json, response: ServerResponse): unknown {
  const { world } = ctx;
  const id = String(channel.id);
  const isThread = THREAD_TYPES.has(Number(channel.type));
  const guarded = Boolean(channel.guild_id);
  if (Number(channel.type) === ChannelType.Forum) {
    return sendJson(response, 400, { message: 'Cannot send a message in a forum channel', code: 40058 });
  }
  if (guarded && !world.can(world.bot.id, id, isThread ? 'SendMessagesInThreads' : 'SendMessages')) {
    return sendError(response, errors.missingPermissions);
  }
  const reference = (body.message_reference as Json | undefined)?.message_id;
  if (reference && guarded && !world.can(world.bot.id, id, 'ReadMessageHistory')) {
    return sendError(response, errors.missingPermissions);
  }
  const problem = payloadProblem(body, { editing: false });
  if (problem) return sendError(response, problem);
  const repeated = sameNonce(ctx, body);
  if (repeated) return sendJson(response, 200, repeated);
  const allowed = guarded && !world.can(world.bot.id, id, 'EmbedLinks') ? withoutEmbeds(body) : body;
  if (isApiError(allowed)) return sendError(response, allowed);
  unarchiveOnActivity(ctx, channel);
  const message = messageObject(world, {
    channelId: id,
    author: world.bot,
    content: String(allowed.content ?? ''),
    embeds: (allowed.embeds as Json[] | undefined) ?? [],
    ...(reference ? { reference: String(reference) } : {}),
  });
  if (body.nonce !== undefined) message.nonce = body.nonce;
  ctx.dispatchMessage('MESSAGE_CREATE', message);
  return sendJson(response, 200, message);
}

/** How long Discord remembers a nonce: "the past few minutes" (below); two, to be safe either way. */
const NONCE_WINDOW_MS = 2 * 60_000;

/**
 * Create Message with `enforce_nonce` (docs/resources/Message.md, "Create Message"): "If true and nonce
 * is present, it will be checked for uniqueness in the past few minutes. If another message was created
 * by the same author with the same nonce, that message will be returned and no new message will be
 * created." The author here is always the bot.
 */
function sameNonce(ctx: Context, body: Json): Json | undefined {
  if (body.enforce_nonce !== true || body.nonce === undefined) return undefined;
  const since = Date.now() - NONCE_WINDOW_MS;
  for (const message of ctx.world.messages.values()) {
    const author = message.author as Json | undefined;
    if (
      message.nonce === body.nonce &&
      author?.id === ctx.world.bot.id &&
      Date.parse(String(message.timestamp)) >= since
    )
      return message;
  }
  return undefined;
}

function editMessage(
  ctx: Context,
  channel: Json,
  message: Json,
  body: Json,
  response: ServerResponse,
): unknown {
  const { world } = ctx;
  if ((message.author as Json).id !== world.bot.id) {
    return sendJson(response, 403, {
      message: 'Cannot edit a message authored by another user',
      code: 50005,
    });
  }
  if ((channel.thread_metadata as Json | undefined)?.archived) {
    return sendJson(response, 400, { message: 'Thread is archived', code: 50083 });
  }
  const problem = payloadProblem(body, { editing: true });
  if (problem) return sendError(response, problem);
  const lacksEmbeds = Boolean(channel.guild_id) && !world.can(world.bot.id, String(channel.id), 'EmbedLinks');
  const allowed = lacksEmbeds ? withoutEmbeds(body, message) : body;
  if (isApiError(allowed)) return sendError(response, allowed);
  return sendJson(response, 200, applyEdit(ctx, message, allowed));
}

function startThreadFromMessage(
  ctx: Context,
  channel: Json,
  message: Json,
  body: Json,
  response: ServerResponse,
): unknown {
  const { world } = ctx;
  if (![ChannelType.Text, ChannelType.Announcement].includes(Number(channel.type))) {
    return sendJson(response, 400, { message: 'Cannot execute action on this channel type', code: 50024 });
  }
  if (!world.can(world.bot.id, String(channel.id), 'CreatePublicThreads'))
    return sendError(response, errors.missingPermissions);
  if (world.channels.has(String(message.id))) {
    return sendJson(response, 400, {
      message: 'A thread has already been created for this message',
      code: 160004,
    });
  }
  const nameProblem = threadNameProblem(body);
  if (nameProblem) return sendError(response, nameProblem);
  const thread = threadObject(world, {
    id: String(message.id),
    parentId: String(channel.id),
    name: String(body.name),
    ownerId: world.bot.id,
    autoArchiveDuration: Number(body.auto_archive_duration ?? 1440),
  });
  openThread(ctx, thread, { starter: message, members: [world.bot.id], live: true });
  return sendJson(response, 201, thread);
}

function startThreadWithoutMessage(
  ctx: Context,
  channel: Json,
  body: Json,
  response: ServerResponse,
): unknown {
  const { world } = ctx;
  const id = String(channel.id);
  const forum = Number(channel.type) === ChannelType.Forum;
  const isPrivate = !forum && Number(body.type ?? ChannelType.PrivateThread) === ChannelType.PrivateThread;
  const needed: PermissionName = forum
    ? 'SendMessages'
    : isPrivate
      ? 'CreatePrivateThreads'
      : 'CreatePublicThreads';
  if (!world.can(world.bot.id, id, needed)) return sendError(response, errors.missingPermissions);
  const nameProblem = threadNameProblem(body);
  if (nameProblem) return sendError(response, nameProblem);
  const first = (body.message ?? {}) as Json;
  if (forum) {
    const problem = payloadProblem(first, { editing: false });
    if (problem) return sendError(response, problem);
  }
  const thread = threadObject(world, {
    parentId: id,
    name: String(body.name),
    ownerId: world.bot.id,
    private: isPrivate,
  });
  openThread(ctx, thread, { members: [world.bot.id], live: true });
  if (!forum) return sendJson(response, 201, thread);
  const message = messageObject(world, {
    id: String(thread.id),
    channelId: String(thread.id),
    author: world.bot,
    content: String(first.content ?? ''),
    embeds: (first.embeds as Json[] | undefined) ?? [],
  });
  ctx.dispatchMessage('MESSAGE_CREATE', message);
  return sendJson(response, 201, { ...thread, message });
}

function threadNameProblem(body: Json): ApiError | undefined {
  const name = typeof body.name === 'string' ? body.name : '';
  if (name.length >= 1 && name.length <= 100) return undefined;
  return errors.invalidForm({
    name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] },
  });
}

/** Sending in an archived, unlocked thread unarchives it (channel.mdx, "Thread" example's text). */
function unarchiveOnActivity(ctx: Context, channel: Json): void {
  const metadata = channel.thread_metadata as Json | undefined;
  if (!metadata?.archived || metadata.locked) return;
  metadata.archived = false;
  metadata.archive_timestamp = new Date().toISOString();
  ctx.gateway.dispatch('THREAD_UPDATE', channel);
}
