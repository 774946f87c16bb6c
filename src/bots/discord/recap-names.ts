/**
 * Names, not ids, for one recap: the name a person shows in the guild (member `nick`, then the user's
 * `global_name`, then `username`; discord-api-docs resources/user.mdx "Display Names" and guild.mdx
 * "Guild Member Object"), role names (guild.mdx "Get Guild Roles") and channel names. Each is looked up
 * once per request, and only a bounded number of lookups is made: past them the user's own name is used.
 * A mentioned channel is looked up with the bot's token, which sees more than the requester may: its name
 * is given only when the requester can surely see it too (see `visibleName`), else it stays "a channel".
 */
import {
  type APIChannel,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APIUser,
  PermissionFlagsBits,
  type REST,
  Routes,
} from 'discord.js';
import type { Names } from './recap-text.js';

/** Members whose guild nickname is looked up, most frequent authors first (each is one REST call). */
const MAX_MEMBER_LOOKUPS = 50;
/** Channels mentioned whose name is looked up. */
const MAX_CHANNEL_LOOKUPS = 10;
const CHANNEL_MENTION = /<#(\d{1,20})>/g;

export class DiscordNames implements Names {
  private readonly users = new Map<string, string>();
  private readonly roles = new Map<string, string>();
  private readonly channels = new Map<string, string>();
  private readonly nicknamed = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly guildId: string | undefined,
  ) {}

  user(id: string): string | undefined {
    return this.users.get(id);
  }

  role(id: string): string | undefined {
    return this.roles.get(id);
  }

  channel(id: string): string | undefined {
    return this.channels.get(id);
  }

  /**
   * Learns every name the messages need: their authors, the people, roles and channels they mention.
   * `place` is the recapped channel (and a thread's parent): the requester may read those.
   */
  async learn(messages: readonly APIMessage[], place: RecappedPlace, signal: AbortSignal): Promise<void> {
    const counts = new Map<string, number>();
    for (const message of messages) {
      this.remember(message.author);
      for (const user of message.mentions) this.remember(user);
      counts.set(message.author.id, (counts.get(message.author.id) ?? 0) + 1);
    }
    const frequent = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
    const mentioned = messages.flatMap((message) => message.mentions.map((user) => user.id));
    const lookups = [...new Set([...frequent, ...mentioned])].slice(0, MAX_MEMBER_LOOKUPS);
    for (const id of lookups) await this.nickname(id, signal);
    const contents = messages.map((message) => message.content);
    if (contents.some((content) => content.includes('<@&'))) await this.learnRoles(signal);
    await this.learnChannels(contents, place, signal);
  }

  /** A person's name, looked up when no message of this request named them. */
  async nameOf(id: string, signal: AbortSignal): Promise<string> {
    if (!this.users.has(id)) {
      const user = (await this.rest.get(Routes.user(id), { signal }).catch(() => undefined)) as
        | APIUser
        | undefined;
      if (user) this.remember(user);
    }
    await this.nickname(id, signal);
    return this.users.get(id) ?? 'someone';
  }

  private remember(user: APIUser): void {
    if (!this.nicknamed.has(user.id)) this.users.set(user.id, user.global_name || user.username);
  }

  private async nickname(id: string, signal: AbortSignal): Promise<void> {
    if (!this.guildId || this.nicknamed.has(id)) return;
    this.nicknamed.add(id);
    const member = (await this.rest
      .get(Routes.guildMember(this.guildId, id), { signal })
      .catch(() => undefined)) as { nick?: string | null } | undefined;
    if (member?.nick) this.users.set(id, member.nick);
  }

  private async learnRoles(signal: AbortSignal): Promise<void> {
    if (!this.guildId || this.roles.size > 0) return;
    const roles = (await this.rest
      .get(Routes.guildRoles(this.guildId), { signal })
      .catch(() => [])) as APIRole[];
    for (const role of roles) this.roles.set(role.id, role.name);
  }

  private async learnChannels(
    contents: readonly string[],
    place: RecappedPlace,
    signal: AbortSignal,
  ): Promise<void> {
    const ids = new Set<string>();
    for (const content of contents) {
      for (const match of content.matchAll(CHANNEL_MENTION)) if (match[1]) ids.add(match[1]);
    }
    for (const id of [...ids].slice(0, MAX_CHANNEL_LOOKUPS)) {
      const channel = (await this.rest.get(Routes.channel(id), { signal }).catch(() => undefined)) as
        | APIChannel
        | undefined;
      const name = channel && visibleName(channel, this.guildId, place);
      if (name) this.channels.set(id, name);
    }
  }
}

/** The conversation being recapped: its channel, and a thread's parent. */
export interface RecappedPlace {
  channel: string;
  parent?: string | undefined;
}

/**
 * A mentioned channel's name when the requester can see that channel: the recapped channel or its parent
 * (the requester's View Channel there was checked on intake), a thread of either, or a channel of this
 * guild whose @everyone overwrite (the overwrite whose id is the guild's: permissions.mdx, "Permission
 * Overwrites") does not deny View Channel. Other guilds' channels, private threads and channels closed to
 * @everyone are left unnamed: the requester's own roles are not known here, and a name they may not see
 * must not reach the model.
 */
function visibleName(
  channel: APIChannel,
  guildId: string | undefined,
  place: RecappedPlace,
): string | undefined {
  if (!('name' in channel) || !channel.name) return undefined;
  const recapped = [place.channel, place.parent];
  if (recapped.includes(channel.id)) return channel.name;
  if (!guildId || !('guild_id' in channel) || channel.guild_id !== guildId) return undefined;
  if ('thread_metadata' in channel) {
    const isPublicThread = channel.type !== PRIVATE_THREAD;
    return isPublicThread && channel.parent_id && recapped.includes(channel.parent_id)
      ? channel.name
      : undefined;
  }
  const everyone = (channel.permission_overwrites ?? []).find((o: APIOverwrite) => o.id === guildId);
  const hidden = everyone && (BigInt(everyone.deny) & PermissionFlagsBits.ViewChannel) !== 0n;
  return hidden ? undefined : channel.name;
}

/** channel.mdx, "Channel Types": GUILD_PRIVATE_THREAD. */
const PRIVATE_THREAD = 12;
