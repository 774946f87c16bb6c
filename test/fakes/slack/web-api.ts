/**
 * The fake Slack Web API methods. Errors are the ones each method's reference page lists (docs.slack.dev
 * /reference/methods/<method>, "Errors"; mirrored in slack-ruby/slack-api-ref):
 * - chat.postMessage / chat.postEphemeral: `channel_not_found` ("Value passed for channel was invalid":
 *   unknown, or private and the bot is not in it), `not_in_channel` ("Cannot post user messages to a
 *   channel they are not in": a public channel the bot has not joined; recap's manifest has no
 *   chat:write.public), `is_archived`, `no_text`; postEphemeral also `user_not_in_channel` ("Intended
 *   recipient is not in the specified channel"). Ephemeral messages are not stored in history.
 * - chat.update: `message_not_found`, `cant_update_message` ("Authenticated user does not have permission
 *   to update this message": not the bot's), `edit_window_closed` ("The message cannot be edited due to
 *   the team message edit settings": only with the `editWindowMs` option, since whether that setting
 *   binds bot tokens is not documented); an update adds `edited`.
 * - chat.delete: `message_not_found`, `cant_delete_message` (not the bot's).
 * - conversations.history: `not_in_channel` ("Only user tokens can access public channels they are not
 *   in"), `channel_not_found`; conversations.replies: `thread_not_found`; paging in history.ts.
 * - conversations.members (cursor paging, limit default 100), conversations.info (`is_private`,
 *   `is_member`, `is_archived`, `is_im`), users.info (`user_not_found`; `profile.display_name`,
 *   `real_name`), chat.getPermalink (`https://<team>.slack.com/archives/<channel>/p<ts without dot>`, the
 *   method's example), files.info (`file_not_found`), auth.test.
 */
import type { AppHome } from './direct-messages.js';
import { conversationHistory, conversationReplies } from './history.js';
import type { Conversation, Json, StoredMessage, Workspace } from './workspace.js';

export interface WebApiContext {
  workspace: Workspace;
  bot: { userId: string; botId: string; teamId: string };
  files: Map<string, { info: Json; bytes: Buffer }>;
  ephemerals: { channel: string; user: string; message: Json }[];
  historyLimit: number;
  editWindowMs: number | undefined;
  /** Posts to a person's id, and the app's direct messages (direct-messages.ts). */
  appHome: AppHome;
}

type Result = Json & { ok: boolean };
const fail = (error: string): Result => ({ ok: false, error });

export function callMethod(ctx: WebApiContext, method: string, args: Json): Result {
  const handler = METHODS[method];
  return handler ? handler(ctx, args) : fail('unknown_method');
}

const METHODS: Record<string, (ctx: WebApiContext, args: Json) => Result> = {
  'auth.test': ({ bot }) => ({
    ok: true,
    url: 'https://test.slack.com/',
    team: 'Test',
    user: 'recap',
    team_id: bot.teamId,
    user_id: bot.userId,
    bot_id: bot.botId,
    is_enterprise_install: false,
  }),
  'chat.postMessage': (ctx, args) => {
    const channel = ctx.appHome.postTarget(String(args.channel ?? '')) ?? writable(ctx, args);
    if (typeof channel === 'string') return fail(channel);
    if (!hasContent(args)) return fail('no_text');
    const { token: _token, channel: _channel, ...fields } = args;
    const message = ctx.workspace.store(channel.id, {
      ...fields,
      ts: ctx.workspace.nextTs(),
      user: ctx.bot.userId,
      bot_id: ctx.bot.botId,
      app_id: 'A0000001',
      team: ctx.bot.teamId,
    });
    return { ok: true, channel: channel.id, ts: message.ts, message };
  },
  'chat.postEphemeral': (ctx, args) => {
    const channel = writable(ctx, args);
    if (typeof channel === 'string') return fail(channel);
    if (!channel.members.has(String(args.user))) return fail('user_not_in_channel');
    if (!hasContent(args)) return fail('no_text');
    const ts = ctx.workspace.nextTs();
    ctx.ephemerals.push({ channel: channel.id, user: String(args.user), message: { ...args, ts } });
    return { ok: true, message_ts: ts };
  },
  'chat.update': (ctx, args) => {
    const found = ownMessage(ctx, args, 'cant_update_message');
    if (typeof found === 'string') return fail(found);
    const { message, channel } = found;
    if (ctx.editWindowMs !== undefined && Date.now() - Number(message.ts) * 1000 > ctx.editWindowMs) {
      return fail('edit_window_closed');
    }
    for (const key of ['text', 'blocks', 'attachments', 'parse', 'link_names'] as const) {
      if (key in args) (message as Json)[key] = args[key];
    }
    message.edited = { user: ctx.bot.userId, ts: ctx.workspace.nextTs() };
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text, message };
  },
  'chat.delete': (ctx, args) => {
    const found = ownMessage(ctx, args, 'cant_delete_message');
    if (typeof found === 'string') return fail(found);
    ctx.workspace.remove(found.channel.id, found.message.ts);
    return { ok: true, channel: found.channel.id, ts: found.message.ts };
  },
  'chat.getPermalink': (ctx, args) => {
    const channel = readable(ctx, String(args.channel ?? ''), false);
    if (typeof channel === 'string') return fail(channel);
    const message = ctx.workspace.find(channel.id, String(args.message_ts ?? ''));
    if (!message) return fail('message_not_found');
    const permalink = `https://test.slack.com/archives/${channel.id}/p${message.ts.replace('.', '')}`;
    return { ok: true, channel: channel.id, permalink };
  },
  'conversations.history': (ctx, args) => {
    const channel = readable(ctx, String(args.channel ?? ''), true);
    if (typeof channel === 'string') return fail(channel);
    return conversationHistory(ctx.workspace, channel.id, args, ctx.historyLimit);
  },
  'conversations.replies': (ctx, args) => {
    const channel = readable(ctx, String(args.channel ?? ''), true);
    if (typeof channel === 'string') return fail(channel);
    return conversationReplies(ctx.workspace, channel.id, args, ctx.historyLimit);
  },
  'conversations.members': (ctx, args) => {
    const channel = readable(ctx, String(args.channel ?? ''), false);
    if (typeof channel === 'string') return fail(channel);
    const members = [...channel.members].sort();
    const limit = args.limit === undefined ? 100 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1) return fail('invalid_limit');
    // Slack's example cursor is base64 of "{user_id: W1234567}" (conversations.members reference).
    const decoded = args.cursor ? Buffer.from(String(args.cursor), 'base64').toString('utf8') : '';
    const after = /^\{user_id: (\w+)\}$/.exec(decoded)?.[1] ?? (decoded ? '\u0000invalid' : '');
    const start = after ? members.indexOf(after) : 0;
    if (start < 0) return fail('invalid_cursor');
    const page = members.slice(start, start + limit);
    const next = members[start + limit];
    return {
      ok: true,
      members: page,
      response_metadata: { next_cursor: next ? Buffer.from(`{user_id: ${next}}`).toString('base64') : '' },
    };
  },
  'conversations.info': (ctx, args) => {
    const channel = readable(ctx, String(args.channel ?? ''), false);
    if (typeof channel === 'string') return fail(channel);
    return {
      ok: true,
      channel: conversationObject(
        ctx,
        channel,
        args.include_num_members === true || args.include_num_members === 'true',
      ),
    };
  },
  'users.info': (ctx, args) => {
    const user = ctx.workspace.users.get(String(args.user ?? ''));
    return user ? { ok: true, user: { ...user, team_id: ctx.bot.teamId } } : fail('user_not_found');
  },
  'files.info': (ctx, args) => {
    const file = [...ctx.files.values()].find((f) => f.info.id === args.file);
    return file ? { ok: true, file: file.info } : fail('file_not_found');
  },
};

/** The conversation a message may be posted to, or the error Slack answers. */
function writable(ctx: WebApiContext, args: Json): Conversation | string {
  const channel = readable(ctx, String(args.channel ?? ''), true);
  if (typeof channel === 'string') return channel;
  return channel.isArchived ? 'is_archived' : channel;
}

/**
 * The conversation the bot may read: unknown or private-without-the-bot is `channel_not_found`; a public
 * channel without the bot is `not_in_channel` when `memberOnly` (posting, history), readable otherwise.
 */
function readable(ctx: WebApiContext, id: string, memberOnly: boolean): Conversation | string {
  const channel = ctx.workspace.conversations.get(id);
  const isMember = channel?.members.has(ctx.bot.userId) ?? false;
  if (!channel || ((channel.isPrivate || channel.isIm) && !isMember)) return 'channel_not_found';
  if (memberOnly && !isMember) return 'not_in_channel';
  return channel;
}

function ownMessage(
  ctx: WebApiContext,
  args: Json,
  notOwn: string,
): { message: StoredMessage; channel: Conversation } | string {
  const channel = readable(ctx, String(args.channel ?? ''), false);
  if (typeof channel === 'string') return channel;
  const message = ctx.workspace.find(channel.id, String(args.ts ?? ''));
  if (!message) return 'message_not_found';
  if (message.user !== ctx.bot.userId && message.bot_id !== ctx.bot.botId) return notOwn;
  return { message, channel };
}

function hasContent(args: Json): boolean {
  const nonEmpty = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));
  return (
    nonEmpty(args.text) || nonEmpty(args.blocks) || nonEmpty(args.attachments) || nonEmpty(args.markdown_text)
  );
}

function conversationObject(ctx: WebApiContext, channel: Conversation, withCount: boolean): Json {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isIm && !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: channel.isIm,
    is_mpim: false,
    is_private: channel.isPrivate || channel.isIm,
    is_archived: channel.isArchived,
    is_general: channel.name === 'general',
    is_member: channel.members.has(ctx.bot.userId),
    created: channel.created,
    context_team_id: ctx.bot.teamId,
    ...(withCount ? { num_members: channel.members.size } : {}),
  };
}
