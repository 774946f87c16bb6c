/**
 * Building a past for recaps: users with display names, channels (text, announcement, forum), threads,
 * forum posts and message history with ids made from the time each message was sent (snowflake.ts).
 * Threads and forum posts follow topics/threads.mdx ("Public & Private Threads": a public thread started
 * from a message shares its id; "Forums": a post's first message has the thread's id).
 */
import type { Context } from './context.js';
import { channelObject, messageObject, threadObject } from './objects.js';
import { nextSnowflake, snowflakeAt } from './snowflake.js';
import { openThread } from './threads.js';
import { ChannelType, type FakeUser, type Json, makeUser } from './world.js';

export interface UserFields {
  /** The user's global display name (`global_name`). */
  globalName?: string | null;
  /** The member's nickname in the guild (`nick`). */
  nick?: string | null;
  bot?: boolean;
  roles?: string[];
  /** Whether the user is a member of the guild (default true). */
  member?: boolean;
}

export interface HistoryEntry {
  /** A user, a known user's id, or a username (a user is made for a new name). */
  author: FakeUser | string;
  content?: string;
  at: Date;
  /** Message type (message.mdx): 0 default, 19 reply, 7 member join, 6 pin, 18 thread created… */
  type?: number;
  attachments?: Json[];
  embeds?: Json[];
  /** The id of the message replied to. */
  reference?: string;
  /** Makes the author (when given by name) a bot. */
  bot?: boolean;
  /** When the message was last edited (`edited_timestamp`). */
  editedAt?: Date;
}

export interface ThreadSeed {
  name: string;
  /** The message the thread starts from (a public thread with the message's id). */
  starter?: Json;
  private?: boolean;
  archived?: boolean;
  locked?: boolean;
  /** Users who joined (a private thread is visible only to them, and to Manage Threads). */
  members?: string[];
  owner?: FakeUser;
  at?: Date;
}

export class Seeder {
  constructor(private readonly ctx: Context) {}

  addUser(username: string, fields: UserFields = {}): FakeUser {
    const user = makeUser(username, {
      global_name: fields.globalName ?? null,
      ...(fields.bot ? { bot: true } : {}),
    });
    const member = fields.member === false ? false : { roles: fields.roles ?? [], nick: fields.nick ?? null };
    return this.ctx.world.addUser(user, member);
  }

  userFor(author: FakeUser | string, bot?: boolean): FakeUser {
    if (typeof author !== 'string') return author;
    const { users } = this.ctx.world;
    const known = users.get(author) ?? [...users.values()].find((u) => u.username === author);
    return known ?? this.addUser(author, bot ? { bot: true } : {});
  }

  addChannel(name: string, type: 'text' | 'announcement' | 'forum' = 'text'): Json {
    const { world } = this.ctx;
    const code = { text: ChannelType.Text, announcement: ChannelType.Announcement, forum: ChannelType.Forum }[
      type
    ];
    const channel = channelObject(nextSnowflake(), code, name, world.guildId);
    world.channels.set(String(channel.id), channel);
    this.ctx.gateway.dispatch('CHANNEL_CREATE', channel);
    return channel;
  }

  /** Stores messages as if sent at their `at` (not dispatched: they are history). */
  seedHistory(channelId: string, entries: HistoryEntry[]): Json[] {
    const { world } = this.ctx;
    if (!world.channels.has(channelId)) throw new Error(`no channel ${channelId}`);
    return entries.map((entry) => {
      const author = this.userFor(entry.author, entry.bot);
      const message = messageObject(world, {
        id: snowflakeAt(entry.at),
        channelId,
        author,
        content: entry.content ?? '',
        ...(entry.attachments ? { attachments: entry.attachments } : {}),
        ...(entry.embeds ? { embeds: entry.embeds } : {}),
        ...(entry.type === undefined ? {} : { type: entry.type }),
        ...(entry.reference ? { reference: entry.reference } : {}),
      });
      message.mentions = mentionedUsers(this.ctx, String(message.content));
      if (entry.editedAt) message.edited_timestamp = entry.editedAt.toISOString();
      return message;
    });
  }

  createThread(parentId: string, seed: ThreadSeed): Json {
    const { world } = this.ctx;
    const owner =
      seed.owner ?? world.users.get(String((seed.starter?.author as Json | undefined)?.id)) ?? world.bot;
    const thread = threadObject(world, {
      ...(seed.starter ? { id: String(seed.starter.id) } : seed.at ? { id: snowflakeAt(seed.at) } : {}),
      parentId,
      name: seed.name,
      ownerId: owner.id,
      ...(seed.private === undefined ? {} : { private: seed.private }),
      ...(seed.archived === undefined ? {} : { archived: seed.archived }),
      ...(seed.locked === undefined ? {} : { locked: seed.locked }),
      ...(seed.at ? { at: seed.at } : {}),
    });
    openThread(this.ctx, thread, {
      starter: seed.starter,
      members: [owner.id, ...(seed.members ?? [])],
      live: false,
      at: seed.at,
    });
    return thread;
  }

  /** A forum post: a public thread whose first message has the thread's id. */
  createForumPost(
    forumId: string,
    post: {
      name: string;
      author: FakeUser | string;
      content: string;
      at: Date;
      attachments?: Json[];
      archived?: boolean;
    },
  ): { thread: Json; starter: Json } {
    const { world } = this.ctx;
    const forum = world.channels.get(forumId);
    if (Number(forum?.type) !== ChannelType.Forum) throw new Error(`${forumId} is not a forum channel`);
    const author = this.userFor(post.author);
    const thread = threadObject(world, {
      id: snowflakeAt(post.at),
      parentId: forumId,
      name: post.name,
      ownerId: author.id,
      at: post.at,
      ...(post.archived ? { archived: true } : {}),
    });
    const starter = messageObject(world, {
      id: String(thread.id),
      channelId: String(thread.id),
      author,
      content: post.content,
      ...(post.attachments ? { attachments: post.attachments } : {}),
    });
    openThread(this.ctx, thread, { members: [author.id], live: false });
    return { thread, starter };
  }
}

/** The users a message's `<@id>` / `<@!id>` mentions name (message.mdx, `mentions`). */
export function mentionedUsers(ctx: Context, content: string): FakeUser[] {
  const ids = [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1] ?? '');
  return [...new Set(ids)].flatMap((id) => {
    const user = ctx.world.users.get(id);
    return user ? [user] : [];
  });
}
