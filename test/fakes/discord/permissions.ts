/**
 * Discord's permissions, computed as Discord computes them.
 * Source: discord-api-docs, developers/topics/permissions.mdx ("Bitwise Permission Flags", "Permission
 * Overwrites" with its pseudocode, "Implicit Permissions", "Inherited Permissions (Threads)").
 * Names are discord.js's (`PermissionFlagsBits`), so tests read like the bot's own code.
 */

/** "Bitwise Permission Flags", in the order of the docs' table. */
export const PERMISSIONS = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  PrioritySpeaker: 1n << 8n,
  Stream: 1n << 9n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  SendTTSMessages: 1n << 12n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ViewGuildInsights: 1n << 19n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  MuteMembers: 1n << 22n,
  DeafenMembers: 1n << 23n,
  MoveMembers: 1n << 24n,
  UseVAD: 1n << 25n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  ManageWebhooks: 1n << 29n,
  ManageGuildExpressions: 1n << 30n,
  UseApplicationCommands: 1n << 31n,
  RequestToSpeak: 1n << 32n,
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  UseExternalStickers: 1n << 37n,
  SendMessagesInThreads: 1n << 38n,
  UseEmbeddedActivities: 1n << 39n,
  ModerateMembers: 1n << 40n,
  ViewCreatorMonetizationAnalytics: 1n << 41n,
  UseSoundboard: 1n << 42n,
  CreateGuildExpressions: 1n << 43n,
  CreateEvents: 1n << 44n,
  UseExternalSounds: 1n << 45n,
  SendVoiceMessages: 1n << 46n,
  SetVoiceChannelStatus: 1n << 48n,
  SendPolls: 1n << 49n,
  UseExternalApps: 1n << 50n,
  PinMessages: 1n << 51n,
  BypassSlowmode: 1n << 52n,
} as const;

export type PermissionName = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.values(PERMISSIONS).reduce((all, bit) => all | bit, 0n);

export function bitsOf(names: readonly PermissionName[] = []): bigint {
  return names.reduce((all, name) => all | PERMISSIONS[name], 0n);
}

export function has(permissions: bigint, name: PermissionName): boolean {
  return (permissions & PERMISSIONS[name]) === PERMISSIONS[name];
}

export interface Overwrite {
  id: string;
  /** 0 for a role, 1 for a member (channel.mdx, "Overwrite Structure"). */
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface PermissionSubject {
  userId: string;
  roleIds: readonly string[];
}

export interface GuildPermissions {
  guildId: string;
  ownerId: string;
  /** Role id → its guild-level permissions; the @everyone role's id is the guild's id. */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** `compute_base_permissions` from the docs: the owner has everything, then @everyone | each role. */
export function basePermissions(guild: GuildPermissions, subject: PermissionSubject): bigint {
  if (subject.userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.rolePermissions.get(guild.guildId) ?? 0n;
  for (const roleId of subject.roleIds) permissions |= guild.rolePermissions.get(roleId) ?? 0n;
  return has(permissions, 'Administrator') ? ALL_PERMISSIONS : permissions;
}

/**
 * `compute_overwrites` from the docs: @everyone's overwrite, then every role overwrite of the member
 * together (so role order does not matter, "Permission Hierarchy"), then the member's own overwrite.
 */
export function applyOverwrites(
  base: bigint,
  guildId: string,
  subject: PermissionSubject,
  overwrites: readonly Overwrite[],
): bigint {
  if (has(base, 'Administrator')) return ALL_PERMISSIONS;
  const find = (id: string) => overwrites.find((overwrite) => overwrite.id === id);
  let permissions = base;
  const everyone = find(guildId);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const roleId of subject.roleIds) {
    const overwrite = overwrites.find((o) => o.id === roleId && o.type === 0);
    if (overwrite) {
      allow |= BigInt(overwrite.allow);
      deny |= BigInt(overwrite.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const member = overwrites.find((o) => o.id === subject.userId && o.type === 1);
  if (member) permissions = (permissions & ~BigInt(member.deny)) | BigInt(member.allow);
  return permissions;
}

/**
 * "Implicit Permissions": without View Channel nothing else applies; without the right to send,
 * Mention Everyone, Send TTS, Attach Files and Embed Links do not apply. In a thread the right to send
 * is Send Messages in Threads ("Inherited Permissions (Threads)": Send Messages is not inherited).
 */
export function withImplicitDenials(permissions: bigint, inThread: boolean): bigint {
  if (has(permissions, 'Administrator')) return permissions;
  if (!has(permissions, 'ViewChannel')) return 0n;
  const send = inThread ? 'SendMessagesInThreads' : 'SendMessages';
  if (has(permissions, send)) return permissions;
  return permissions & ~bitsOf(['MentionEveryone', 'SendTTSMessages', 'AttachFiles', 'EmbedLinks']);
}
