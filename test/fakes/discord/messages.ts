/**
 * Rules about message payloads and what the bot may read of messages.
 * - Limits (resources/message.mdx, "Create Message": content up to 2000 characters, at least one of
 *   content/embeds/…: 50006 "Cannot send an empty message"; "Embed Limits": title 256, description 4096,
 *   25 fields, field name 256 and value 1024, footer 2048, author 256, 6000 in all across the embeds,
 *   "Violating any of these constraints will result in a Bad Request response": 50035 Invalid Form Body).
 * - Embed Links: the docs only say what it does for links users post; for embeds a bot sends through its
 *   own token, discord-api-docs#2601 reports 403 Missing Permissions for a message that is only an embed,
 *   #5648 that an edit adding an embed without content is refused as empty, and bot authors
 *   (Spoffy/EcoDiscordPlugin#47, discord.js#7544) that with content the message posts without its embed.
 *   Interaction responses are not affected (change-log.mdx, June 29 2022: "ATTACH_FILES and EMBED_LINKS
 *   would be affected but this is no longer the case").
 * - Message Content intent (events/gateway.mdx, "Message Content Intent"; message.mdx, note [2]): without
 *   it `content`, `embeds`, `attachments` and `components` are empty, except in messages the app sent, in
 *   DMs, in messages that mention the app, and in the message a message command targets.
 * - History (message.mdx, "Get Channel Messages"): newest first, `limit` 1-100 (default 50), `before`,
 *   `after` and `around` mutually exclusive; without Read Message History "no messages will be returned".
 */
import { compareIds, messagesIn } from './objects.js';
import type { Json, World } from './world.js';

export interface ApiError {
  status: number;
  body: { message: string; code: number; errors?: Json };
}

export const errors = {
  missingAccess: { status: 403, body: { message: 'Missing Access', code: 50001 } },
  missingPermissions: { status: 403, body: { message: 'Missing Permissions', code: 50013 } },
  emptyMessage: { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } },
  unknownChannel: { status: 404, body: { message: 'Unknown Channel', code: 10003 } },
  unknownMessage: { status: 404, body: { message: 'Unknown Message', code: 10008 } },
  invalidForm: (errors: Json): ApiError => ({
    status: 400,
    body: { message: 'Invalid Form Body', code: 50035, errors },
  }),
} satisfies Record<string, ApiError | ((errors: Json) => ApiError)>;

const EMBED_FIELD_LIMITS: [path: string, limit: number][] = [
  ['title', 256],
  ['description', 4096],
  ['footer.text', 2048],
  ['author.name', 256],
];

/** The first limit a message payload breaks, as Discord reports it; undefined when it is valid. */
export function payloadProblem(body: Json, { editing }: { editing: boolean }): ApiError | undefined {
  const content = typeof body.content === 'string' ? body.content : '';
  if (content.length > 2000) {
    return errors.invalidForm({
      content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
    });
  }
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Json[]) : [];
  if (embeds.length > 10)
    return errors.invalidForm({ embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } });
  let total = 0;
  for (const [index, embed] of embeds.entries()) {
    for (const [path, limit] of EMBED_FIELD_LIMITS) {
      const text = String(readPath(embed, path) ?? '').trim();
      total += text.length;
      if (text.length > limit)
        return errors.invalidForm({
          embeds: { [index]: { [path]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
        });
    }
    const fields = (embed.fields ?? []) as Json[];
    if (fields.length > 25)
      return errors.invalidForm({
        embeds: { [index]: { fields: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
      });
    for (const field of fields)
      total += String(field.name ?? '').trim().length + String(field.value ?? '').trim().length;
  }
  if (total > 6000) return errors.invalidForm({ embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } });
  const hasSomething =
    content.length > 0 || embeds.length > 0 || has(body.components) || has(body.sticker_ids);
  if (!editing && !hasSomething && !body.poll) return errors.emptyMessage;
  return undefined;
}

/**
 * What happens to embeds a bot sends with its own token without Embed Links: dropped, and a message
 * left with nothing is refused (403 on create, "empty" on edit; see the header). `existing` is the
 * message being edited, if any.
 */
export function withoutEmbeds(body: Json, existing?: Json): Json | ApiError {
  if (!has(body.embeds)) return body;
  const { embeds: _dropped, ...rest } = body;
  const content = typeof body.content === 'string' ? body.content : String(existing?.content ?? '');
  if (content === '' && !has(body.components) && !has(existing?.attachments)) {
    return existing ? errors.emptyMessage : errors.missingPermissions;
  }
  return rest;
}

/** A message as an app without the Message Content intent receives it. */
export function redacted(world: World, message: Json, isMessageCommandTarget = false): Json {
  const channel = world.channels.get(String(message.channel_id));
  const author = message.author as Json | undefined;
  const mentionsApp =
    ((message.mentions ?? []) as Json[]).some((user) => user.id === world.bot.id) ||
    String(message.content ?? '').includes(`<@${world.bot.id}>`);
  if (isMessageCommandTarget || author?.id === world.bot.id || !channel?.guild_id || mentionsApp)
    return message;
  const referenced = message.referenced_message as Json | null | undefined;
  const { poll: _poll, ...rest } = message;
  return {
    ...rest,
    content: '',
    embeds: [],
    attachments: [],
    components: [],
    ...(referenced ? { referenced_message: redacted(world, referenced) } : {}),
  };
}

export interface HistoryQuery {
  limit?: string | null;
  before?: string | null;
  after?: string | null;
  around?: string | null;
}

/** GET /channels/{id}/messages: the page Discord returns, newest first, or the error it answers. */
export function historyPage(world: World, channelId: string, query: HistoryQuery): Json[] | ApiError {
  const limit = query.limit == null ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return errors.invalidForm({
      limit: {
        _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 100.' }],
      },
    });
  }
  const anchors = (['before', 'after', 'around'] as const).filter((key) => query[key] != null);
  if (anchors.length > 1) {
    // The docs: "only one may be passed at a time". How Discord words the refusal is not documented.
    return errors.invalidForm({ [anchors[1] ?? '']: { _errors: [{ code: 'MUTUALLY_EXCLUSIVE' }] } });
  }
  // Ephemeral messages (flag 64) are seen only by their recipient and never listed.
  const all = messagesIn(world, channelId).filter((m) => (Number(m.flags ?? 0) & 64) === 0);
  let page: Json[];
  if (query.before != null) {
    page = all.filter((m) => compareIds(String(m.id), String(query.before)) < 0).slice(-limit);
  } else if (query.after != null) {
    page = all.filter((m) => compareIds(String(m.id), String(query.after)) > 0).slice(0, limit);
  } else if (query.around != null) {
    // Half before and half after, the message itself included when it exists.
    const older = all.filter((m) => compareIds(String(m.id), String(query.around)) <= 0);
    const newer = all.filter((m) => compareIds(String(m.id), String(query.around)) > 0);
    const fromNewer = Math.min(newer.length, Math.floor(limit / 2));
    page = [...older.slice(-(limit - fromNewer)), ...newer.slice(0, fromNewer)];
  } else {
    page = all.slice(-limit);
  }
  return page.reverse();
}

function readPath(value: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at as Json | undefined)?.[key], value);
}

function has(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
