import { listenLocal } from '../http.js';
import { deleteStored } from './channels.js';
import type { Context } from './context.js';
import { DirectMessages } from './direct-messages.js';
import { type FailureSpec, Faults, type RateLimitSpec } from './faults.js';
import { FakeGateway, Intents } from './gateway.js';
import { applyEdit, interact, invalidWebhookToken } from './interactions.js';
import { redacted } from './messages.js';
import { channelObject, guildObject, messageObject } from './objects.js';
import { commandData, type OptionValues, type PostedMessage, postedMessage } from './people.js';
import { bitsOf, type PermissionName } from './permissions.js';
import { handleRest, type RestCall } from './rest.js';
import { Seeder } from './seed.js';
import { nextSnowflake } from './snowflake.js';
import { ChannelType, type FakeUser, type Json, makeUser, World } from './world.js';

export type { PermissionName } from './permissions.js';
export type { RestCall } from './rest.js';
export type { FakeUser } from './world.js';

export const BOT_TOKEN = 'test-bot-token';

export interface FakeDiscordOptions {
  token?: string;
  /** How long an interaction token works (Discord: 15 minutes). */
  interactionTtlMs?: number;
  /** How long Discord waits for an interaction's first answer (3 seconds). */
  ackDeadlineMs?: number;
  /**
   * Whether the app has the Message Content intent enabled in the Developer Portal (default true).
   * Without it, asking for the intent at IDENTIFY closes the gateway with 4014, and message content
   * reads as empty (see messages.ts).
   */
  messageContentIntent?: boolean;
}

/** Who an overwrite is for: the bot, @everyone, a member's user id or a role id. */
export type OverwriteTarget = 'bot' | '@everyone' | string;

export async function startFakeDiscord(options: FakeDiscordOptions = {}) {
  const token = options.token ?? BOT_TOKEN;
  const bot = makeUser('recap', { global_name: 'recap', bot: true });
  const owner = makeUser('owner', { global_name: 'Owner' });
  const world = new World(bot, owner);
  const alice = world.addUser(makeUser('alice', { global_name: 'Alice' }));
  const otherBot = world.addUser(makeUser('otherbot', { bot: true }));
  const textChannel = channelObject(nextSnowflake(), ChannelType.Text, 'general', world.guildId);
  const dmChannel = { id: nextSnowflake(), type: ChannelType.DM, recipients: [alice], last_message_id: null };
  world.channels.set(String(textChannel.id), textChannel);
  world.channels.set(dmChannel.id, dmChannel);
  const approved = options.messageContentIntent ?? true;
  const calls: RestCall[] = [];
  const faults = new Faults();
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const directMessages = new DirectMessages(world);
  let ctx: Context | undefined;
  const local = await listenLocal((request, response, raw) => {
    if (ctx)
      handleRest({ ctx, token, wsUrl, faults, calls, attachments, directMessages }, request, response, raw);
  });
  const wsUrl = `${local.url.replace('http', 'ws')}/gateway`;
  const gateway = new FakeGateway({
    server: local.server,
    url: wsUrl,
    token,
    messageContentApproved: approved,
    onIdentify: () => ({
      ready: {
        v: 10,
        user: bot,
        guilds: [{ id: world.guildId, unavailable: true }],
        shard: [0, 1],
        application: { id: bot.id, flags: 0 },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
        user_settings: {},
      },
      after: [{ type: 'GUILD_CREATE', data: guildObject(world) }],
    }),
  });
  const context: Context = {
    world,
    gateway,
    applicationId: bot.id,
    interactions: new Map(),
    interactionTtlMs: options.interactionTtlMs ?? 15 * 60_000,
    ackDeadlineMs: options.ackDeadlineMs ?? 3000,
    messageContentApproved: approved,
    dispatchMessage(type, message) {
      const channel = world.channels.get(String(message.channel_id));
      const readable = gateway.intents & Intents.MessageContent ? message : redacted(world, message);
      const member = message.guild_id
        ? world.memberObject(String((message.author as Json).id), false)
        : undefined;
      gateway.dispatch(type, { ...readable, ...(member ? { member } : {}) }, !channel?.guild_id);
    },
  };
  ctx = context;
  const seeder = new Seeder(context);
  const userId = (who: OverwriteTarget) =>
    who === 'bot' ? bot.id : who === '@everyone' ? world.guildId : who;

  const postMessage = (fields: PostedMessage) =>
    postedMessage(context, {
      ...fields,
      channelId: fields.channelId ?? String(textChannel.id),
      author: fields.author ?? alice,
    });
  const chatCommand = (
    name: string,
    values: OptionValues,
    where: { channelId?: string; user?: FakeUser } = {},
  ) =>
    interact(
      context,
      (where.user ?? alice).id,
      where.channelId ?? String(textChannel.id),
      2,
      commandData(name, values),
    );

  /**
   * Sets the channel overwrite for `who` (replacing theirs; empty lists remove it) and dispatches
   * CHANNEL_UPDATE, as Edit Channel Permissions does (channel.mdx).
   */
  function setPermission(
    channelId: string,
    change: { allow?: PermissionName[]; deny?: PermissionName[] },
    who: OverwriteTarget,
  ): Json {
    const id = userId(who);
    if (world.channels.get(channelId)?.thread_metadata) {
      throw new Error('threads have no overwrites: set them on the parent channel');
    }
    const type = world.roles.has(id) ? 0 : 1;
    const overwrite = {
      id,
      type,
      allow: String(bitsOf(change.allow)),
      deny: String(bitsOf(change.deny)),
    } as const;
    const channel = world.setOverwrite(channelId, overwrite);
    gateway.dispatch('CHANNEL_UPDATE', channel);
    return channel;
  }

  return {
    url: local.url,
    /** DISCORD_REST_API for the client. */
    restApi: `${local.url}/api`,
    bot,
    alice,
    otherBot,
    owner,
    guildId: world.guildId,
    botRoleId: world.botRoleId,
    textChannelId: String(textChannel.id),
    dmChannelId: dmChannel.id,
    rest: calls,
    gatewayLog: gateway.log,
    messages: world.messages,
    channels: world.channels,
    interactions: context.interactions,

    /** A file on the fake CDN, as an attachment object. */
    attachment(name: string, bytes: Buffer, contentType: string): Json {
      const id = nextSnowflake();
      const path = `/attachments/${textChannel.id}/${id}/${encodeURIComponent(name)}`;
      attachments.set(path, { bytes, contentType });
      const url = `${local.url}${path}`;
      return { id, filename: name, size: bytes.length, url, proxy_url: url, content_type: contentType };
    },

    /** A person posts a message: stored, then dispatched as MESSAGE_CREATE. */
    postMessage,

    /** A stored message as if posted before the bot was running (not dispatched). */
    existingMessage(fields: {
      content: string;
      attachments?: Json[];
      author?: FakeUser;
      channelId?: string;
    }): Json {
      return messageObject(world, {
        channelId: fields.channelId ?? String(textChannel.id),
        author: fields.author ?? alice,
        content: fields.content,
        ...(fields.attachments ? { attachments: fields.attachments } : {}),
      });
    },

    /** Any chat-input command, dispatched as INTERACTION_CREATE (a Json value is an attachment option). */
    chatCommand,

    /** `/summarize` with the given options. */
    slashCommand(
      optionValues: { link?: string; text?: string; language?: string; file?: Json },
      where: { channelId?: string; user?: FakeUser } = {},
    ) {
      const { file, ...strings } = optionValues;
      return chatCommand(
        'summarize',
        { link: strings.link, file, text: strings.text, language: strings.language },
        where,
      );
    },

    /** A message command (Apps → Summarize by default) on a message. */
    messageCommand(target: Json, where: { name?: string; user?: FakeUser } = {}) {
      const data = {
        id: nextSnowflake(),
        name: where.name ?? 'Summarize',
        type: 3,
        target_id: target.id,
        // The targeted message keeps its content without the intent (gateway.mdx, exceptions).
        resolved: { messages: { [String(target.id)]: target } },
      };
      return interact(context, (where.user ?? alice).id, String(target.channel_id), 2, data);
    },

    /** A thread someone started on a message before: created and announced with THREAD_CREATE. */
    threadOn(message: Json): string {
      return String(
        seeder.createThread(String(message.channel_id), {
          name: 'Discussion',
          starter: message,
          owner: alice,
        }).id,
      );
    },

    /** Takes Create Public Threads from the bot in the text channel (a member overwrite). */
    denyThreads(): void {
      setPermission(String(textChannel.id), { deny: ['CreatePublicThreads'] }, 'bot');
    },

    setPermission,

    /** Replaces a role's guild-wide permissions and dispatches GUILD_ROLE_UPDATE. */
    setRolePermissions(role: 'bot' | '@everyone' | string, names: PermissionName[]): void {
      const id = role === 'bot' ? world.botRoleId : role === '@everyone' ? world.guildId : role;
      const stored = world.roles.get(id);
      if (!stored) throw new Error(`no role ${id}`);
      stored.permissions = String(bitsOf(names));
      gateway.dispatch('GUILD_ROLE_UPDATE', { guild_id: world.guildId, role: stored });
    },

    /** The permissions `who` has in a channel; with `implicit` false, as `app_permissions` reports them. */
    permissionsOf(who: 'bot' | string, channelId: string, implicit = true): bigint {
      const id = userId(who);
      return implicit ? world.effectivePermissions(id, channelId) : world.computedPermissions(id, channelId);
    },

    /** The next matching request answers 429 (see faults.ts), once. */
    rateLimitNext(route: string, spec: RateLimitSpec): void {
      faults.add(route, { kind: 'rate-limit', spec });
    },

    /** The matching request after the next `passes` ones answers 429 (see faults.ts), once. */
    rateLimitAfter(route: string, passes: number, spec: RateLimitSpec): void {
      for (let pass = 0; pass < passes; pass++) faults.add(route, { kind: 'pass' });
      faults.add(route, { kind: 'rate-limit', spec });
    },

    /** A role in the guild (its members are given it with `addUser(…, { roles })`). */
    addRole(name: string): string {
      const id = nextSnowflake();
      world.addRole(id, name, 0n, 1);
      return id;
    },

    /**
     * The Message Content intent is turned off in the Developer Portal while the bot is connected: from
     * now on REST reads of other people's messages come without content (messages.ts, `redacted`).
     */
    revokeMessageContent(): void {
      context.messageContentApproved = false;
      gateway.setMessageContentApproved(false);
    },

    /** The next matching request fails (a 5xx, or an API error with its code), once. */
    failNext(route: string, spec: FailureSpec): void {
      faults.add(route, { kind: 'fail', spec });
    },

    /** From now on the person takes no direct messages from the bot: sending there answers 50007. */
    refuseDirectMessages(user: FakeUser | string): void {
      directMessages.refuseFrom(typeof user === 'string' ? user : user.id);
    },

    /** From now on the interaction's webhook answers as an expired token (50027), or as unknown (10015). */
    expireInteraction(interactionToken: string, as: 50027 | 10015 = 50027): void {
      const interaction = context.interactions.get(interactionToken);
      if (!interaction) throw new Error(`no interaction with token ${interactionToken}`);
      interaction.expiredWith =
        as === 50027
          ? invalidWebhookToken
          : { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    },

    addUser: seeder.addUser.bind(seeder),
    addChannel: seeder.addChannel.bind(seeder),
    seedHistory: seeder.seedHistory.bind(seeder),
    createThread: seeder.createThread.bind(seeder),
    createForumPost: seeder.createForumPost.bind(seeder),

    /** Someone deletes a message: gone from every read, MESSAGE_DELETE dispatched. */
    deleteMessage(id: string): void {
      const message = world.messages.get(id);
      if (!message) throw new Error(`no message ${id}`);
      deleteStored(context, message);
    },

    /** Its author edits a message: new content, `edited_timestamp`, MESSAGE_UPDATE dispatched. */
    editMessage(id: string, content: string): Json {
      const message = world.messages.get(id);
      if (!message) throw new Error(`no message ${id}`);
      return applyEdit(context, message, { content });
    },

    /** Closes the gateway connection as Discord does before asking for a resume. */
    closeGateway(code = 4000): void {
      gateway.closeCurrent(code);
    },

    async close(): Promise<void> {
      gateway.close();
      await local.close();
    },
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
