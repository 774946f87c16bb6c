/**
 * Interactions (developers/interactions/receiving-and-responding.mdx):
 * - the first response within 3 seconds, once ("you must send an initial response within 3 seconds";
 *   later: 10062 Unknown interaction; twice: 40060 "Interaction has already been acknowledged");
 * - the token's webhook (followups, @original) works for 15 minutes; after that every call with it
 *   answers 401 50027 Invalid Webhook Token, and a token Discord does not know (never acknowledged, or
 *   broken) answers 404 10015 Unknown Webhook (discord-api-docs#6851: "while the token is still active
 *   ... 404: Not found", "After the 15 mins window, any API request made to it returns 401: Unauthorized",
 *   "true for all API requests using the token, including deleting the message, getting the message,
 *   and sending a followup");
 * - a followup sent while the deferred reply is still loading edits that reply instead, keeping its
 *   ephemerality ("Create Followup Message": "this endpoint will function as Edit Original Interaction
 *   Response for backwards compatibility ... The ephemeral flag will be ignored");
 * - no channel permission is needed: an app without a bot user can answer, and for bots only
 *   MENTION_EVERYONE, SEND_TTS_MESSAGES and USE_EXTERNAL_EMOJIS follow the bot's permissions
 *   (change-log.mdx, June 29 2022, "Changes to Bot Permissions for Interactions and Webhooks");
 * - `app_permissions` and `member.permissions` are the computed permissions in the channel, overwrites
 *   included, implicit ones not (channel.mdx, `permissions`/`app_permissions`); in a DM with the bot,
 *   ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS (receiving-and-responding.mdx,
 *   note *** on `app_permissions`).
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { type Context, type InteractionRecord, noContent, type Request, sendError } from './context.js';
import { payloadProblem } from './messages.js';
import { messageObject } from './objects.js';
import { bitsOf } from './permissions.js';
import { nextSnowflake } from './snowflake.js';
import type { Json } from './world.js';

const EPHEMERAL = 64;
const LOADING = 128;
const unknownInteraction = { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
const unknownWebhook = { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
export const invalidWebhookToken = { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };

/** Dispatches INTERACTION_CREATE for `user` in `channelId`; returns the id and token. */
export function interact(ctx: Context, userId: string, channelId: string, type: number, data: Json) {
  const { world } = ctx;
  const id = nextSnowflake();
  const token = `itoken-${id}`;
  ctx.interactions.set(token, { id, token, channelId, userId, dispatchedAt: Date.now() });
  const channel = world.channels.get(channelId) ?? {};
  const inGuild = Boolean(channel.guild_id);
  const user = world.users.get(userId);
  const appPermissions = inGuild
    ? world.computedPermissions(world.bot.id, channelId)
    : bitsOf(['AttachFiles', 'EmbedLinks', 'MentionEveryone', 'UseExternalEmojis']);
  const member = inGuild
    ? { ...world.memberObject(userId), permissions: String(world.computedPermissions(userId, channelId)) }
    : undefined;
  ctx.gateway.dispatch('INTERACTION_CREATE', {
    id,
    application_id: ctx.applicationId,
    type,
    data,
    ...(inGuild ? { guild_id: world.guildId, member } : { user }),
    channel_id: channelId,
    channel,
    token,
    version: 1,
    app_permissions: String(appPermissions),
    locale: 'en-US',
    ...(inGuild ? { guild_locale: 'en-US' } : {}),
    entitlements: [],
    authorizing_integration_owners: { '0': world.guildId },
    context: inGuild ? 0 : 1,
    attachment_size_limit: 10 * 1024 * 1024,
  });
  return { id, token };
}

/** POST /interactions/{id}/{token}/callback */
export function callback(ctx: Context, request: Request, response: ServerResponse): unknown {
  const interaction = ctx.interactions.get(request.parts[2] ?? '');
  if (!interaction || interaction.id !== request.parts[1]) return sendError(response, unknownInteraction);
  if (interaction.acknowledgedAt !== undefined) {
    return sendJson(response, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
  }
  if (interaction.expiredWith || Date.now() - interaction.dispatchedAt > ctx.ackDeadlineMs) {
    return sendError(response, unknownInteraction);
  }
  const body = request.body ?? {};
  const data = (body.data ?? {}) as Json;
  if (body.type === 4) {
    const problem = payloadProblem(data, { editing: false });
    if (problem) return sendError(response, problem);
  }
  interaction.acknowledgedAt = Date.now();
  const original = responseMessage(ctx, interaction, data, body.type === 5 ? LOADING : 0);
  interaction.originalId = String(original.id);
  return noContent(response);
}

/** /webhooks/{application.id}/{interaction.token}[/messages/{id | @original}] */
export function webhook(ctx: Context, request: Request, response: ServerResponse): unknown {
  const { parts, method } = request;
  const interaction = ctx.interactions.get(parts[2] ?? '');
  if (!interaction || parts[1] !== ctx.applicationId || interaction.acknowledgedAt === undefined) {
    return sendError(response, unknownWebhook);
  }
  if (interaction.expiredWith) return sendError(response, interaction.expiredWith);
  if (Date.now() - interaction.dispatchedAt > ctx.interactionTtlMs)
    return sendError(response, invalidWebhookToken);
  if (parts.length === 3 && method === 'POST') return followup(ctx, interaction, request, response);
  if (parts[3] !== 'messages' || parts.length !== 5) {
    return sendJson(response, 404, { message: `no fake for ${method} ${request.path}`, code: 0 });
  }
  const id = parts[4] === '@original' ? interaction.originalId : parts[4];
  const message = ctx.world.messages.get(id ?? '');
  if (!message || message.webhook_id !== ctx.applicationId || message.channel_id !== interaction.channelId) {
    return sendError(response, { status: 404, body: { message: 'Unknown Message', code: 10008 } });
  }
  if (method === 'GET') return sendJson(response, 200, message);
  if (method === 'PATCH') {
    const problem = payloadProblem(request.body ?? {}, { editing: true });
    if (problem) return sendError(response, problem);
    return sendJson(response, 200, applyEdit(ctx, message, request.body ?? {}));
  }
  if (method === 'DELETE') {
    ctx.world.messages.delete(String(message.id));
    if ((Number(message.flags) & EPHEMERAL) === 0) {
      ctx.gateway.dispatch('MESSAGE_DELETE', {
        id: message.id,
        channel_id: message.channel_id,
        guild_id: message.guild_id,
      });
    }
    return noContent(response);
  }
  return sendJson(response, 405, { message: '405: Method Not Allowed', code: 0 });
}

function followup(
  ctx: Context,
  interaction: InteractionRecord,
  request: Request,
  response: ServerResponse,
): unknown {
  const body = request.body ?? {};
  const problem = payloadProblem(body, { editing: false });
  if (problem) return sendError(response, problem);
  const original = ctx.world.messages.get(interaction.originalId ?? '');
  if (original && Number(original.flags) & LOADING) {
    return sendJson(response, 200, applyEdit(ctx, original, body));
  }
  return sendJson(response, 200, responseMessage(ctx, interaction, body, 0));
}

/** A message the interaction's token posts (the reply or a followup), announced unless ephemeral. */
function responseMessage(
  ctx: Context,
  interaction: InteractionRecord,
  payload: Json,
  extraFlags: number,
): Json {
  const message = messageObject(ctx.world, {
    channelId: interaction.channelId,
    author: ctx.world.bot,
    content: String(payload.content ?? ''),
    embeds: (payload.embeds as Json[] | undefined) ?? [],
    type: 20,
    extra: {
      flags: (Number(payload.flags ?? 0) & EPHEMERAL) | extraFlags,
      webhook_id: ctx.applicationId,
      application_id: ctx.applicationId,
    },
  });
  if ((Number(message.flags) & EPHEMERAL) === 0) ctx.dispatchMessage('MESSAGE_CREATE', message);
  return message;
}

/** An edit: the editable fields replaced, the loading state over, `edited_timestamp` set. */
export function applyEdit(ctx: Context, message: Json, body: Json): Json {
  for (const key of ['content', 'embeds', 'allowed_mentions', 'components', 'attachments'] as const) {
    if (key in body) message[key] = body[key];
  }
  message.flags = Number(message.flags ?? 0) & ~LOADING;
  message.edited_timestamp = new Date().toISOString();
  if ((Number(message.flags) & EPHEMERAL) === 0) ctx.dispatchMessage('MESSAGE_UPDATE', message);
  return message;
}
