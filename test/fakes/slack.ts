/**
 * A wire-compatible stand-in for Slack (https://docs.slack.dev): the Web API under SLACK_API_URL, the
 * Socket Mode WebSocket that `apps.connections.open` hands out, response_url endpoints, and private
 * file downloads; it signs requests to an app's /slack/events as Slack does (slack/signature.ts). Every
 * rule it enforces names its source in the module that enforces it:
 * - slack/web-api.ts: each method's documented errors (channel_not_found, not_in_channel, is_archived,
 *   user_not_in_channel, message_not_found, cant_update_message, cant_delete_message,
 *   edit_window_closed, thread_not_found, user_not_found…), the bot's channel membership, tokens;
 * - slack/history.ts: conversations.history and .replies paging (cursor, limit, oldest, latest,
 *   inclusive, has_more, next_cursor);
 * - slack/limits.ts: 429 with Retry-After, per-tier budgets (opt-in), the non-Marketplace cohort;
 * - slack/response-urls.ts: response_url valid 30 minutes and 5 uses, then HTTP 404;
 * - slack/workspace.ts, slack/seeds.ts: users, conversations, threads, bot and system messages, files,
 *   edits, deletions. The fakes' own tests (test/integration/fake-slack*.test.ts) run each rule through
 *   @slack/web-api's WebClient and Bolt's respond().
 *
 * The workspace starts with users U0000001 (ana), U0000002 (ben), U0000003 (cy) and the bot UBOT0001
 * (bot id BBOT0001), the public channel C0000001 (#general, all of them members) and the DM D0000001
 * (the bot and ben). Anything else must be seeded: an unknown channel is `channel_not_found`.
 *
 * Controls for tests (all on the object `startFakeSlack` returns):
 * - options: `responseUrlTtlMs`, `tiers: { windowMs?, perWindow?, cohort? }`, `editWindowMs`;
 * - faults: `rateLimitNext(method, seconds)`, `rateLimitAfter(method, passes, seconds)` (the call after
 *   `passes` ones), `failNext(method, { error } | { status })`,
 *   `failResponseUrlNext({ status })`; older names `rateLimitOnce.add(method)`, `notInChannel.add(channel)`;
 * - places and people: `seedChannel(id, { name?, private?, archived?, members? })`,
 *   `setMembers(channel, users)`, `addUser(id, { displayName, realName, name?, bot? })`;
 * - history: `seedHistory(channel, [{ user | bot, text, at, thread?, files?, subtype?, edited? }])`,
 *   `addMessage(channel, message)`, `editMessage(channel, ts, text)`, `deleteMessage(channel, ts)`,
 *   `addFile(name, bytes, mimetype)`;
 * - what Slack sends: `eventBody(event)`, `commandForm(text, channel?, user?, command?)`,
 *   `shortcutPayload(channel, message, user?, callbackId?)`, `sendEnvelope(type, payload, retry?)`;
 * - records: `calls`/`callsTo(method)`, `responses` (accepted response_url posts), `responseAttempts`,
 *   `ephemerals`, `downloads`, `acks`, `socketConnections()`; `close()`.
 */
export * from './slack/index.js';
