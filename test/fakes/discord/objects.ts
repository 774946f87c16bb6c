/**
 * API objects as Discord serializes them: channels and threads (resources/channel.mdx, "Channel Object",
 * "Thread Metadata Object"), messages (resources/message.mdx, "Message Object"), the GUILD_CREATE payload
 * (events/gateway-events.mdx, "Guild Create"; topics/threads.mdx: `threads` holds the active threads the
 * current user can view).
 */
import { nextSnowflake, snowflakeAt, timeOf } from './snowflake.js';
import { ChannelType, type FakeUser, type Json, THREAD_TYPES, type World } from './world.js';

export function channelObject(
  id: string,
  type: number,
  name: string,
  guildId: string,
  extra: Json = {},
): Json {
  return {
    id,
    type,
    name,
    guild_id: guildId,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    ...extra,
  };
}

export interface ThreadFields {
  id?: string;
  parentId: string;
  name: string;
  ownerId: string;
  private?: boolean;
  archived?: boolean;
  locked?: boolean;
  autoArchiveDuration?: number;
  at?: Date;
}

export function threadObject(world: World, fields: ThreadFields): Json {
  const parent = world.channels.get(fields.parentId);
  if (!parent) throw new Error(`no channel ${fields.parentId}`);
  const id = fields.id ?? nextSnowflake();
  const type = fields.private ? ChannelType.PrivateThread : ChannelType.PublicThread;
  return channelObject(id, type, fields.name, world.guildId, {
    parent_id: parent.id,
    owner_id: fields.ownerId,
    thread_metadata: {
      archived: fields.archived ?? false,
      auto_archive_duration: fields.autoArchiveDuration ?? 1440,
      archive_timestamp: (fields.at ?? new Date()).toISOString(),
      locked: fields.locked ?? false,
      ...(fields.private ? { invitable: true } : {}),
      create_timestamp: (fields.at ?? new Date()).toISOString(),
    },
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    permission_overwrites: undefined,
  });
}

export interface MessageFields {
  id?: string;
  channelId: string;
  author: FakeUser;
  content?: string;
  attachments?: Json[];
  embeds?: Json[];
  /** Message type (message.mdx, "Message Types"); 0 unless a reply (19). */
  type?: number;
  /** The id of the message this one replies to (message_reference, type 0 = reply). */
  reference?: string;
  extra?: Json;
}

export function messageObject(world: World, fields: MessageFields): Json {
  const id = fields.id ?? nextSnowflake();
  const channel = world.channels.get(fields.channelId);
  const guildId = channel?.guild_id as string | undefined;
  const referenced = fields.reference ? world.messages.get(fields.reference) : undefined;
  const message: Json = {
    id,
    channel_id: fields.channelId,
    ...(guildId ? { guild_id: guildId } : {}),
    author: fields.author,
    content: fields.content ?? '',
    timestamp: timeOf(id).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: fields.attachments ?? [],
    embeds: fields.embeds ?? [],
    pinned: false,
    type: fields.type ?? (fields.reference ? 19 : 0),
    flags: 0,
    components: [],
    ...(fields.reference
      ? {
          message_reference: {
            type: 0,
            message_id: fields.reference,
            channel_id: referenced?.channel_id ?? fields.channelId,
            ...(guildId ? { guild_id: guildId } : {}),
          },
          referenced_message: referenced ?? null,
        }
      : {}),
    ...fields.extra,
  };
  world.messages.set(id, message);
  if (channel) {
    channel.last_message_id = id;
    if (THREAD_TYPES.has(Number(channel.type))) {
      channel.message_count = Number(channel.message_count ?? 0) + 1;
      channel.total_message_sent = Number(channel.total_message_sent ?? 0) + 1;
    }
  }
  return message;
}

/** The messages of a channel, oldest first (ids are snowflakes, so they sort by time). */
export function messagesIn(world: World, channelId: string): Json[] {
  return [...world.messages.values()]
    .filter((m) => m.channel_id === channelId)
    .sort((a, b) => compareIds(String(a.id), String(b.id)));
}

export function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

export function guildObject(world: World): Json {
  const isActiveThread = (c: Json) =>
    THREAD_TYPES.has(Number(c.type)) && !(c.thread_metadata as Json | undefined)?.archived;
  const channels = world.channelsOfGuild();
  return {
    id: world.guildId,
    name: 'Test Guild',
    icon: null,
    owner_id: world.owner.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [...world.roles.values()],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: world.members.size,
    voice_states: [],
    // "If your bot does not have the GUILD_PRESENCES intent ... members ... will only contain your bot
    // and users in voice channels" (gateway-events.mdx, "Guild Create"); recap does not ask for it.
    members: [world.memberObject(world.bot.id)],
    channels: channels.filter((c) => !THREAD_TYPES.has(Number(c.type))),
    threads: channels.filter(
      (c) => isActiveThread(c) && world.can(world.bot.id, String(c.id), 'ViewChannel'),
    ),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

/**
 * The system messages a new thread brings (message.mdx, "Thread starter messages": type 21, first in a
 * public thread started from a message, pointing back to it, never with content; "Thread Created
 * messages": type 18 in the parent when a public thread is started without a message).
 */
export function threadSystemMessages(world: World, thread: Json, starter?: Json, at?: Date): Json[] {
  const author = world.users.get(String(thread.owner_id)) ?? world.bot;
  const id = at ? snowflakeAt(at) : undefined;
  if (starter) {
    return [
      messageObject(world, {
        ...(id ? { id } : {}),
        channelId: String(thread.id),
        author,
        type: 21,
        reference: String(starter.id),
      }),
    ];
  }
  if (Number(thread.type) !== ChannelType.PublicThread) return [];
  const notice = messageObject(world, {
    ...(id ? { id } : {}),
    channelId: String(thread.parent_id),
    author,
    content: String(thread.name),
    type: 18,
    extra: { message_reference: { type: 0, channel_id: thread.id, guild_id: world.guildId } },
  });
  return [notice];
}
