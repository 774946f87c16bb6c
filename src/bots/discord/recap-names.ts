/**
 * Names, not ids, for one recap: the name a person shows in the guild (member `nick`, then the user's
 * `global_name`, then `username`; discord-api-docs resources/user.mdx "Display Names" and guild.mdx
 * "Guild Member Object"), role names (guild.mdx "Get Guild Roles") and channel names. Each is looked up
 * once per request, and only a bounded number of lookups is made: past them the user's own name is used.
 */
import { type APIMessage, type APIRole, type APIUser, type REST, Routes } from 'discord.js';
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

  /** Learns every name the messages need: their authors, the people, roles and channels they mention. */
  async learn(messages: readonly APIMessage[], signal: AbortSignal): Promise<void> {
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
    await this.learnChannels(contents, signal);
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

  private async learnChannels(contents: readonly string[], signal: AbortSignal): Promise<void> {
    const ids = new Set<string>();
    for (const content of contents) {
      for (const match of content.matchAll(CHANNEL_MENTION)) if (match[1]) ids.add(match[1]);
    }
    for (const id of [...ids].slice(0, MAX_CHANNEL_LOOKUPS)) {
      const channel = (await this.rest.get(Routes.channel(id), { signal }).catch(() => undefined)) as
        | { name?: string | null }
        | undefined;
      if (channel?.name) this.channels.set(id, channel.name);
    }
  }
}
