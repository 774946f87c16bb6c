/**
 * Threads coming into being and being listed.
 * - A new thread is stored with its members and announced with THREAD_CREATE; a thread started on a
 *   message marks it HAS_THREAD (message.mdx, "Message Flags", 1 << 5) and fires MESSAGE_UPDATE
 *   (channel.mdx, "Start Thread from Message": "Fires a Thread Create and a Message Update Gateway
 *   event"); its system messages come from objects.ts (types 21 and 18, none in a forum, where
 *   "Messages cannot be sent directly", threads.mdx). Archived threads are not synced over the gateway
 *   (threads.mdx, "Active & Archived Threads").
 * - Archived threads are listed newest archive first, before an ISO8601 time, with the bot's thread
 *   members and `has_more` (channel.mdx, "List Public/Private Archived Threads").
 */
import type { Context } from './context.js';
import { threadSystemMessages } from './objects.js';
import { ChannelType, type Json } from './world.js';

export function openThread(
  ctx: Context,
  thread: Json,
  options: { starter?: Json | undefined; members: string[]; live: boolean; at?: Date | undefined },
): void {
  const { world } = ctx;
  world.channels.set(String(thread.id), thread);
  world.threadMembers.set(String(thread.id), new Set(options.members));
  const { starter } = options;
  if (starter) {
    starter.flags = Number(starter.flags ?? 0) | 32; // HAS_THREAD
    starter.thread = thread;
  }
  const inForum = Number(world.channels.get(String(thread.parent_id))?.type) === ChannelType.Forum;
  const notices = inForum ? [] : threadSystemMessages(world, thread, starter, options.at);
  if ((thread.thread_metadata as Json).archived) return;
  ctx.gateway.dispatch('THREAD_CREATE', options.live ? { ...thread, newly_created: true } : thread);
  if (!options.live) return;
  if (starter) ctx.dispatchMessage('MESSAGE_UPDATE', starter);
  for (const notice of notices) ctx.dispatchMessage('MESSAGE_CREATE', notice);
}

/** Archived threads of a channel, newest archive first, before an ISO8601 time (channel.mdx). */
export function archivedThreads(
  ctx: Context,
  parentId: string,
  wantPrivate: boolean,
  query: URLSearchParams,
): Json {
  const { world } = ctx;
  const type = wantPrivate ? ChannelType.PrivateThread : ChannelType.PublicThread;
  const before = query.get('before') ? Date.parse(String(query.get('before'))) : Number.POSITIVE_INFINITY;
  const limit = query.get('limit') ? Number(query.get('limit')) : 50;
  const archivedAt = (c: Json) => Date.parse(String((c.thread_metadata as Json).archive_timestamp));
  const all = [...world.channels.values()]
    .filter(
      (c) => c.parent_id === parentId && Number(c.type) === type && (c.thread_metadata as Json).archived,
    )
    .filter((c) => archivedAt(c) < before)
    .sort((a, b) => archivedAt(b) - archivedAt(a));
  const threads = all.slice(0, limit);
  const members = threads
    .filter((t) => world.threadMembers.get(String(t.id))?.has(world.bot.id))
    .map((t) => ({
      id: t.id,
      user_id: world.bot.id,
      join_timestamp: (t.thread_metadata as Json).create_timestamp,
      flags: 0,
    }));
  return { threads, members, has_more: all.length > threads.length };
}
