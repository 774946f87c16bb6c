/**
 * Building a Slack past for recaps. Message shapes (docs.slack.dev/reference/objects/message-object and
 * the message subtypes pages): other apps' and integrations' posts are `subtype: "bot_message"` with
 * `bot_id` (and `username`); the app's own posts carry `user` and `bot_id`; joins are
 * `subtype: "channel_join"` with "<@U…> has joined the channel"; files ride in `files`; an edit adds
 * `edited: { user, ts }`. `bot_message` is what classic apps and integrations post ("In classic Slack
 * apps, the bot_message event is sent when…", reference/events/message/bot_message); an app of today
 * posts with its bot user's `user`, its `bot_id`, `app_id` and a `bot_profile` carrying its name, and
 * no subtype (the `MessageElement` of @slack/web-api's ConversationsHistoryResponse lists these fields).
 */
import { randomUUID } from 'node:crypto';
import type { Json, StoredMessage, Workspace } from './workspace.js';

export interface HistoryEntry {
  /** The author's user id (the bot's own user id makes it one of the app's messages). */
  user?: string;
  /** Another app's or integration's bot id: a `bot_message`. */
  bot?: string;
  /** Another app of today: its bot user, its bot id and its name (no subtype). */
  app?: { user: string; bot: string; name: string };
  text?: string;
  at: Date;
  /** The parent message (or its ts): this one is a reply in its thread. */
  thread?: string | StoredMessage | undefined;
  /** Files shared with the message. */
  files?: { name: string; mimetype?: string; bytes?: Buffer }[];
  /** A system subtype: channel_join, channel_leave, channel_topic, thread_broadcast… */
  subtype?: string;
  /** When the message was last edited. */
  edited?: Date;
}

const SYSTEM_TEXT: Record<string, (user: string) => string> = {
  channel_join: (user) => `<@${user}> has joined the channel`,
  channel_leave: (user) => `<@${user}> has left the channel`,
};

function appAuthor(app: { user: string; bot: string; name: string }): Json {
  const appId = `A${app.bot.slice(1)}`;
  return {
    user: app.user,
    bot_id: app.bot,
    app_id: appId,
    bot_profile: { id: app.bot, app_id: appId, name: app.name, deleted: false },
  };
}

export class Seeds {
  constructor(
    private readonly workspace: Workspace,
    private readonly bot: { userId: string; botId: string; teamId: string },
    private readonly files: Map<string, { info: Json; bytes: Buffer }>,
    private readonly baseUrl: string,
  ) {}

  /** A conversation (public unless `private`; a `D…` id is a DM), with its members (the bot only if listed). */
  seedChannel(
    id: string,
    fields: { name?: string; private?: boolean; archived?: boolean; members?: string[] } = {},
  ): void {
    this.workspace.addConversation(id, {
      ...(fields.name ? { name: fields.name } : {}),
      ...(fields.private === undefined ? {} : { isPrivate: fields.private }),
      ...(fields.archived === undefined ? {} : { isArchived: fields.archived }),
      members: fields.members ?? [this.bot.userId],
    });
  }

  /** Who is in a conversation (include `bot.userId` for the bot to be one of them). */
  setMembers(channel: string, users: string[]): void {
    const conversation = this.workspace.conversations.get(channel);
    if (!conversation) throw new Error(`no conversation ${channel}: seedChannel it first`);
    conversation.members = new Set(users);
  }

  addUser(
    id: string,
    fields: { displayName?: string; realName?: string; name?: string; bot?: boolean } = {},
  ): Json {
    return this.workspace.addUser(id, {
      ...fields,
      ...(fields.bot ? { isBot: true, botId: `B${id.slice(1)}` } : {}),
    }) as unknown as Json;
  }

  seedHistory(channel: string, entries: HistoryEntry[]): StoredMessage[] {
    return entries.map((entry) => {
      const thread = typeof entry.thread === 'string' ? entry.thread : entry.thread?.ts;
      const user = entry.user ?? '';
      const author = entry.app
        ? appAuthor(entry.app)
        : entry.bot
          ? { bot_id: entry.bot, subtype: 'bot_message', username: entry.bot.toLowerCase() }
          : { user, ...(user === this.bot.userId ? { bot_id: this.bot.botId, app_id: 'A0000001' } : {}) };
      const text = entry.text ?? SYSTEM_TEXT[entry.subtype ?? '']?.(user) ?? '';
      const ts = this.workspace.tsAt(entry.at);
      return this.workspace.store(channel, {
        ts,
        ...author,
        text,
        ...(entry.subtype ? { subtype: entry.subtype } : {}),
        ...(thread ? { thread_ts: thread } : {}),
        ...(entry.files
          ? {
              files: entry.files.map((f) =>
                this.addFile(f.name, f.bytes ?? Buffer.from(''), f.mimetype ?? 'text/plain'),
              ),
            }
          : {}),
        ...(entry.edited
          ? { edited: { user: user || entry.bot, ts: this.workspace.tsAt(entry.edited) } }
          : {}),
        team: this.bot.teamId,
      });
    });
  }

  /** Someone edits a message: new text, `edited` set. */
  editMessage(channel: string, ts: string, text: string): StoredMessage {
    const message = this.workspace.find(channel, ts);
    if (!message) throw new Error(`no message ${ts} in ${channel}`);
    message.text = text;
    message.edited = { user: message.user ?? message.bot_id, ts: this.workspace.nextTs() };
    return message;
  }

  /** Someone deletes a message: gone from history, replies and permalinks. */
  deleteMessage(channel: string, ts: string): void {
    if (!this.workspace.remove(channel, ts)) throw new Error(`no message ${ts} in ${channel}`);
  }

  /** A file that files.info describes and /files-pri serves, with the bot token only. */
  addFile(name: string, bytes: Buffer, mimetype: string): Json {
    const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
    const path = `/files-pri/${this.bot.teamId}-${id}/download/${encodeURIComponent(name)}`;
    const info = {
      id,
      name,
      title: name,
      mimetype,
      size: bytes.length,
      url_private: `${this.baseUrl}${path}`,
      url_private_download: `${this.baseUrl}${path}`,
    };
    this.files.set(path, { info, bytes });
    return info;
  }
}
