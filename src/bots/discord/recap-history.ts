/**
 * Reading a Discord conversation for a recap, through REST alone (a worker with no gateway can run it):
 * `GET /channels/{id}/messages`, newest first, pages of 100 with `before` (discord-api-docs message.mdx,
 * "Get Channel Messages"); threads and forum posts are channels and read the same way, archived ones too.
 * History has a REST client of its own: discord.js waits out a short 429 by itself, per route, so a
 * channel's limit never holds up another job's answers; a long one ends the reading, and the recap covers
 * what arrived and says so.
 */
import {
  type APIChannel,
  type APIMessage,
  DiscordAPIError,
  RateLimitError,
  REST,
  Routes,
  SnowflakeUtil,
} from 'discord.js';
import { type ConversationReader, type RecapRequest, windowFor } from '../../commands/recap.js';
import type { Conversation, ConversationMessage } from '../../core/conversation/conversation.js';
import type { HistoryWindow } from '../../core/conversation/read-plan.js';
import { RecapError } from '../../core/errors.js';
import { DiscordNames } from './recap-names.js';
import { isBlank, readableText, skipOf, THREAD_STARTER } from './recap-text.js';

const PAGE = 100;
/** A 429 on history asking for a longer wait than this ends the reading (discord.js waits out shorter ones). */
export const MAX_HISTORY_WAIT_MS = 10_000;

/** The REST client history is read with: its own rate-limit queues, and no wait longer than the limit. */
export function historyRest(options: { token: string; restApi: string }): REST {
  return new REST({
    api: options.restApi,
    rejectOnRateLimit: (limit) => limit.retryAfter > MAX_HISTORY_WAIT_MS,
  }).setToken(options.token);
}

export const INTENT_MISSING =
  'Discord gives recap these messages without their text: the Message Content intent is off for this app. An admin must turn on Message Content Intent (Discord Developer Portal → the app → Bot → Privileged Gateway Intents) and restart recap.';

/** A reader for one request: the names it learns and the messages' channels stay with it. */
export function discordReader(rest: REST, guildId: string | undefined, me: () => Promise<string>) {
  const names = new DiscordNames(rest, guildId);
  const channelOf = new Map<string, string>();
  const reader: ConversationReader = {
    async read(request, run) {
      const { messages, place, leftOut } = await readHistory(rest, request, await me(), run);
      for (const message of messages) channelOf.set(message.id, message.channel_id);
      await names.learn(messages, request.conversation, run.signal);
      return { place, leftOut, messages: messages.map((message) => conversationMessage(message, names)) };
    },
    async links(messages) {
      const base = `https://discord.com/channels/${guildId ?? '@me'}`;
      return new Map(
        messages.flatMap((m) =>
          channelOf.has(m.id) ? [[m.id, `${base}/${channelOf.get(m.id)}/${m.id}`]] : [],
        ),
      ) as Map<string, string>;
    },
    nameOf: (userId, signal) => names.nameOf(userId, signal),
  };
  return reader;
}

async function readHistory(
  rest: REST,
  request: RecapRequest,
  botId: string,
  run: { signal: AbortSignal; onProgress(read: number): void },
): Promise<{ messages: APIMessage[]; place: string; leftOut: Conversation['leftOut'] }> {
  const id = request.conversation.channel;
  const channel = (await rest
    .get(Routes.channel(id), { signal: run.signal })
    .catch(unreadable)) as APIChannel;
  const window = windowFor<APIMessage>(request, (messageId) => SnowflakeUtil.timestampFrom(messageId));
  await readPages(rest, { id, before: request.conversation.before, botId }, window, run);
  const { items, leftOut } = window.result();
  if (items.length === 0 && leftOut.cutByRateLimit) {
    throw new RecapError(
      'history_unavailable',
      'Discord asked recap to slow down before it could read this channel. Please try again in a minute.',
    );
  }
  const messages = await withStarter(rest, { items, leftOut, botId }, run.signal);
  checkReadable(messages);
  return { messages, place: placeOf(channel), leftOut };
}

/** Pages of 100, newest first, offered to the window while it wants more; a long 429 ends the reading. */
async function readPages(
  rest: REST,
  from: { id: string; before: string | undefined; botId: string },
  window: HistoryWindow<APIMessage>,
  run: { signal: AbortSignal; onProgress(read: number): void },
): Promise<void> {
  let before = from.before;
  while (window.wanting) {
    const query = new URLSearchParams({ limit: String(PAGE), ...(before ? { before } : {}) });
    let page: APIMessage[];
    try {
      page = (await rest.get(Routes.channelMessages(from.id), { query, signal: run.signal })) as APIMessage[];
    } catch (error) {
      if (!(error instanceof RateLimitError)) return unreadable(error);
      return window.cutByRateLimit();
    }
    for (const message of page) {
      const skip = skipOf(message, from.botId);
      window.offer({ item: message, at: Date.parse(message.timestamp), authorId: message.author.id, skip });
    }
    run.onProgress(window.read);
    before = page.at(-1)?.id;
    if (page.length < PAGE) return;
  }
}

/**
 * A thread's first message points to the message it was started on, in the parent: that one is read,
 * unless it is one recap skips (its own reply, a system message), which is counted as skipped instead.
 */
async function withStarter(
  rest: REST,
  read: { items: APIMessage[]; leftOut: Conversation['leftOut']; botId: string },
  signal: AbortSignal,
): Promise<APIMessage[]> {
  const { items, leftOut, botId } = read;
  const [first, ...later] = items;
  if (!first || first.type !== THREAD_STARTER) return items;
  const reference = first.message_reference;
  const starter =
    reference?.channel_id && reference.message_id
      ? ((await rest
          .get(Routes.channelMessage(reference.channel_id, reference.message_id), { signal })
          .catch(() => undefined)) as APIMessage | undefined)
      : undefined;
  const skip = starter ? skipOf(starter, botId) : 'system';
  if (starter && !skip) return [starter, ...later];
  leftOut[skip === 'bot' ? 'botMessages' : 'systemMessages'] += 1;
  return later;
}

/**
 * Without the Message Content intent Discord sends people's messages empty (gateway.mdx, "Message Content
 * Intent"), except those that mention the app: mostly blank messages mean the intent is off, and a recap of
 * them would say nothing happened.
 */
function checkReadable(messages: readonly APIMessage[]): void {
  const people = messages.filter((message) => !message.author.bot);
  const blank = people.filter(isBlank).length;
  if (blank > 0 && blank * 2 >= people.length) throw new RecapError('content_unreadable', INTENT_MISSING);
}

function conversationMessage(message: APIMessage, names: DiscordNames): ConversationMessage {
  const reply = message.type === 19 ? message.message_reference?.message_id : undefined;
  return {
    id: message.id,
    author: {
      id: message.author.id,
      name: names.user(message.author.id) ?? message.author.username,
      bot: Boolean(message.author.bot),
    },
    at: Date.parse(message.timestamp),
    text: readableText(message, names),
    files: message.attachments.map((attachment) => attachment.filename),
    ...(reply ? { replyTo: reply } : {}),
  };
}

function placeOf(channel: APIChannel): string {
  const name = 'name' in channel && channel.name ? channel.name : 'this channel';
  return 'thread_metadata' in channel ? `the thread “${name}”` : `#${name}`;
}

/** History the bot may not read, or a failure Discord gave no better word for. */
function unreadable(error: unknown): never {
  const code = error instanceof DiscordAPIError ? error.code : undefined;
  if (code === 50001 || code === 50013 || code === 10003) {
    throw new RecapError(
      'history_unavailable',
      'recap cannot read this channel’s history. An admin needs to give recap View Channel and Read Message History here.',
      { cause: error },
    );
  }
  throw new RecapError(
    'history_unavailable',
    'Discord did not give recap this channel’s messages. Please try again in a minute.',
    { cause: error },
  );
}
