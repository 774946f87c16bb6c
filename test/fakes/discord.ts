/**
 * A wire-compatible stand-in for Discord (https://discord.com/developers/docs): the REST API under
 * `/api/v10` and a gateway WebSocket at the URL `GET /gateway/bot` returns. The real discord.js client
 * logs in to it. Every rule it enforces names its source in the module that enforces it:
 * - discord/permissions.ts, discord/world.ts: permissions computed as Discord does (roles, @everyone,
 *   channel overwrites for roles and members, threads inheriting their parent's, private threads, DMs,
 *   implicit denials); the guild owner is a separate user, so `alice` has only @everyone's rights.
 * - discord/channels.ts: the bot's REST calls checked against them (50001 Missing Access when it cannot
 *   see the channel, 50013 Missing Permissions otherwise), ephemeral messages unknown there (10008),
 *   threads, forum posts, archived threads, message history; discord/threads.ts: how a thread starts and
 *   is listed; discord/messages.ts: payload limits, Embed Links, the Message Content intent, history
 *   paging. The fakes' own tests (test/integration/fake-discord*.test.ts) run each rule through discord.js.
 * - discord/interactions.ts: the 3-second first response, the 15-minute token (401 50027 after it,
 *   404 10015 for an unknown token), followups after a deferral, no channel permission needed,
 *   `app_permissions` and `member.permissions`.
 * - discord/faults.ts: 429s with the headers @discordjs/rest reads, and one-shot failures.
 * - discord/gateway.ts: HELLO, IDENTIFY (4004 bad token, 4014 a privileged intent not enabled),
 *   heartbeats, READY then GUILD_CREATE (roles, the bot's member, channels with their overwrites, active
 *   threads), RESUME with replay; events only under the intents the bot asked for.
 *
 * Controls for tests (all on the object `startFakeDiscord` returns):
 * - people and places: `bot`, `alice`, `otherBot`, `owner`, `guildId`, `botRoleId`, `textChannelId`,
 *   `dmChannelId`; `addUser(username, { globalName, nick, bot, roles, member })`,
 *   `addChannel(name, 'text' | 'announcement' | 'forum')`, `addRole(name)` (listed by Get Guild Roles);
 * - permissions: `setPermission(channelId, { allow, deny }, 'bot' | '@everyone' | userId | roleId)` (a
 *   channel overwrite; CHANNEL_UPDATE), `setRolePermissions('bot' | '@everyone' | roleId, names)`
 *   (GUILD_ROLE_UPDATE), `denyThreads()` (a deny overwrite of Create Public Threads for the bot in the
 *   text channel), `permissionsOf(who, channelId)`;
 * - faults: `rateLimitNext(route, { retryAfterMs, global?, scope? })`, `rateLimitAfter(route, passes, spec)`
 *   (the call after `passes` matching ones), `failNext(route, { status, code?,
 *   message? })` with routes like `'POST /channels/:id/messages'`,
 *   `'PATCH /webhooks/:id/:token/messages/@original'`; `expireInteraction(token, 50027 | 10015)`;
 * - what people do: `postMessage(…)` (MESSAGE_CREATE), `existingMessage(…)`, `slashCommand(…)`,
 *   `chatCommand(name, values, { channelId, user })`, `messageCommand(target, { name, user })`,
 *   `threadOn(message)`, `editMessage(id, content)`, `deleteMessage(id)`, `attachment(name, bytes, type)`;
 * - history: `seedHistory(channelId, [{ author, content, at, type?, attachments?, embeds?, reference?,
 *   bot?, editedAt? }])` (ids made from `at`), `createThread(parentId, { name, starter?, private?,
 *   archived?, locked?, members?, owner?, at? })`, `createForumPost(forumId, { name, author, content, at })`;
 * - options: `interactionTtlMs`, `ackDeadlineMs`, `messageContentIntent` (false: not enabled for the app);
 *   `revokeMessageContent()` turns the intent off while the bot is connected (REST reads come redacted);
 * - records: `rest` (every REST call), `gatewayLog`, `messages`, `channels`, `interactions`;
 *   `closeGateway(code)`, `close()`.
 */
export * from './discord/index.js';
