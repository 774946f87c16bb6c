/**
 * What the fake Discord knows: one guild (roles, members, channels, threads), DMs, users and messages,
 * stored in the shapes the API returns (discord-api-docs, resources/guild.mdx, channel.mdx, message.mdx,
 * topics/permissions.mdx "Role Object"). Permissions are computed from this state on every call.
 */
import {
  ALL_PERMISSIONS,
  applyOverwrites,
  basePermissions,
  bitsOf,
  has,
  type Overwrite,
  type PermissionName,
  withImplicitDenials,
} from './permissions.js';
import { nextSnowflake } from './snowflake.js';

export type Json = Record<string, unknown>;

export interface FakeUser extends Json {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: null;
  bot?: boolean;
}

export interface Member {
  user: FakeUser;
  roles: string[];
  nick: string | null;
  joined_at: string;
}

/** Channel types used here (channel.mdx, "Channel Types"). */
export const ChannelType = {
  Text: 0,
  DM: 1,
  Announcement: 5,
  PublicThread: 11,
  PrivateThread: 12,
  Forum: 15,
};
export const THREAD_TYPES = new Set([10, ChannelType.PublicThread, ChannelType.PrivateThread]);

/**
 * The @everyone permissions of the test guild: View Channel, Send Messages, Embed Links, Attach Files,
 * Read Message History, threads and the other everyday rights (the value this fake always used).
 */
export const EVERYONE_PERMISSIONS = 1071698660929n;
/**
 * The bot's own role: the permissions recap's README asks for in its invite link (View Channel, Send
 * Messages, Send Messages in Threads, Create Public Threads, Read Message History, Embed Links).
 */
export const BOT_ROLE_PERMISSIONS = 309237730304n;

export function makeUser(username: string, fields: Partial<FakeUser> = {}): FakeUser {
  return { id: nextSnowflake(), username, discriminator: '0', global_name: null, avatar: null, ...fields };
}

export class World {
  readonly guildId = nextSnowflake();
  readonly users = new Map<string, FakeUser>();
  readonly members = new Map<string, Member>();
  /** Role id → role object; the @everyone role has the guild's id. */
  readonly roles = new Map<string, Json>();
  readonly channels = new Map<string, Json>();
  readonly messages = new Map<string, Json>();
  /** Thread id → ids of the users who joined it (private threads are visible to these only). */
  readonly threadMembers = new Map<string, Set<string>>();
  readonly botRoleId = nextSnowflake();

  constructor(
    readonly bot: FakeUser,
    readonly owner: FakeUser,
  ) {
    this.addRole(this.guildId, '@everyone', EVERYONE_PERMISSIONS, 0);
    this.addRole(this.botRoleId, bot.username, BOT_ROLE_PERMISSIONS, 1, { tags: { bot_id: bot.id } });
    this.addUser(owner);
    this.addUser(bot, { roles: [this.botRoleId] });
  }

  addRole(id: string, name: string, permissions: bigint, position: number, extra: Json = {}): Json {
    const role = {
      id,
      name,
      permissions: String(permissions),
      position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      managed: Boolean(extra.tags),
      mentionable: false,
      flags: 0,
      ...extra,
    };
    this.roles.set(id, role);
    return role;
  }

  /** A user; a guild member too unless `member` is false. */
  addUser(user: FakeUser, member: { roles?: string[]; nick?: string | null } | false = {}): FakeUser {
    this.users.set(user.id, user);
    if (member) {
      this.members.set(user.id, {
        user,
        roles: member.roles ?? [],
        nick: member.nick ?? null,
        joined_at: new Date().toISOString(),
      });
    }
    return user;
  }

  memberObject(userId: string, withUser = true): Json | undefined {
    const member = this.members.get(userId);
    if (!member) return undefined;
    return {
      ...(withUser ? { user: member.user } : {}),
      roles: member.roles,
      nick: member.nick,
      avatar: null,
      joined_at: member.joined_at,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
  }

  /** The permissions of a user in a channel as the docs compute them, before implicit denials. */
  computedPermissions(userId: string, channelId: string): bigint {
    const channel = this.channels.get(channelId);
    if (!channel) return 0n;
    if (!channel.guild_id) return ALL_PERMISSIONS; // a DM: no roles and no overwrites
    const member = this.members.get(userId);
    if (!member) return 0n;
    const isThread = THREAD_TYPES.has(Number(channel.type));
    // "Threads inherit permissions from the parent channel" (permissions.mdx, threads.mdx).
    const source = isThread ? this.channels.get(String(channel.parent_id)) : channel;
    const rolePermissions = new Map(
      [...this.roles].map(([id, role]) => [id, BigInt(String(role.permissions))]),
    );
    const subject = { userId, roleIds: member.roles };
    const base = basePermissions({ guildId: this.guildId, ownerId: this.owner.id, rolePermissions }, subject);
    const overwrites = (source?.permission_overwrites ?? []) as Overwrite[];
    let permissions = applyOverwrites(base, this.guildId, subject, overwrites);
    // Private threads: "only viewable by those invited and those with the MANAGE_THREADS permission".
    if (
      Number(channel.type) === ChannelType.PrivateThread &&
      !has(permissions, 'ManageThreads') &&
      !this.threadMembers.get(channelId)?.has(userId)
    ) {
      permissions &= ~bitsOf(['ViewChannel']);
    }
    return permissions;
  }

  /** What the user may actually do in the channel: computed permissions with the implicit denials. */
  effectivePermissions(userId: string, channelId: string): bigint {
    const channel = this.channels.get(channelId);
    if (!channel?.guild_id) return ALL_PERMISSIONS;
    return withImplicitDenials(
      this.computedPermissions(userId, channelId),
      THREAD_TYPES.has(Number(channel.type)),
    );
  }

  can(userId: string, channelId: string, name: PermissionName): boolean {
    return has(this.effectivePermissions(userId, channelId), name);
  }

  /** Sets (or removes, when both are empty) the overwrite of a role or member on a channel. */
  setOverwrite(channelId: string, overwrite: Overwrite): Json {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    const others = ((channel.permission_overwrites ?? []) as Overwrite[]).filter(
      (o) => o.id !== overwrite.id,
    );
    const empty = overwrite.allow === '0' && overwrite.deny === '0';
    channel.permission_overwrites = empty ? others : [...others, overwrite];
    return channel;
  }

  channelsOfGuild(): Json[] {
    return [...this.channels.values()].filter((c) => c.guild_id === this.guildId);
  }
}
