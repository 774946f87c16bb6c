/**
 * Reading a Slack conversation for a recap, with the history client alone: a channel through
 * `conversations.history` (newest first, cursors, `latest` exclusive, thread replies left out) and the
 * replies of its 10 busiest threads through `conversations.replies`; a thread through
 * `conversations.replies` (docs.slack.dev reference pages). Rate limits are waited out per request
 * (recap-patience.ts); one that asks for too long ends the reading, and the recap says so.
 */
import type { WebClient } from '@slack/web-api';
import { type ConversationReader, type RecapRequest, windowFor } from '../../commands/recap.js';
import type { ConversationMessage, LeftOut } from '../../core/conversation/conversation.js';
import { RecapError } from '../../core/errors.js';
import { SlackNames } from './recap-names.js';
import { type Pages, readChannel, readEarlierThreads, readThread } from './recap-pages.js';
import { Patience, RateLimitedTooLong } from './recap-patience.js';
import {
  authorOf,
  type BotIdentity,
  type HistoryMessage,
  isBotMessage,
  msToTs,
  plainSlackText,
  skipOf,
  tsToMs,
} from './recap-text.js';

/** Threads whose replies a channel recap reads too, the busiest first. */
export const BUSIEST_THREADS = 10;

/** A reader for one request: its names, its patience with rate limits. */
export function slackReader(client: WebClient, bot: () => Promise<BotIdentity>): ConversationReader {
  let patience: Patience | undefined;
  let names: SlackNames | undefined;
  const forRequest = (signal: AbortSignal) => {
    patience ??= new Patience(signal);
    names ??= new SlackNames(client, patience);
    return { patience, names };
  };
  let channel = '';
  return {
    async read(request, run) {
      const { patience: p, names: n } = forRequest(run.signal);
      channel = request.conversation.channel;
      const read = await readConversation(client, p, request, await bot(), run);
      await n.learn(read.messages.map((m) => m.message));
      return {
        place: await placeOf(client, p, request),
        leftOut: read.leftOut,
        messages: read.messages.map(({ message, replyTo }) => conversationMessage(message, n, replyTo)),
      };
    },
    async links(messages, signal) {
      const { patience: p } = forRequest(signal);
      const links = new Map<string, string>();
      for (const message of messages) {
        const answer = await p
          .call(() => client.chat.getPermalink({ channel, message_ts: message.id }))
          .catch(() => undefined);
        if (answer?.permalink) links.set(message.id, answer.permalink);
      }
      return links;
    },
    nameOf: (userId, signal) => forRequest(signal).names.nameOf(userId),
  };
}

interface Read {
  messages: { message: HistoryMessage; replyTo?: string | undefined }[];
  leftOut: LeftOut;
}

async function readConversation(
  client: WebClient,
  patience: Patience,
  request: RecapRequest,
  bot: BotIdentity,
  run: { signal: AbortSignal; onProgress(read: number): void },
): Promise<Read> {
  const { conversation } = request;
  const window = windowFor<HistoryMessage>(request, tsToMs);
  const offer = (message: HistoryMessage) =>
    window.offer({
      item: message,
      at: tsToMs(message.ts),
      authorId: authorOf(message),
      skip: skipOf(message, bot),
    });
  const start = window.scopeStartMs;
  const pages = {
    client,
    patience,
    channel: conversation.channel,
    latest: conversation.before,
    ...(start === undefined ? {} : { oldest: msToTs(start - 1) }),
  };
  try {
    if (conversation.threadTs) await readThread(pages, conversation.threadTs, offer, run.onProgress);
    else
      await readChannel(
        pages,
        offer,
        () => window.wanting,
        () => run.onProgress(window.read),
      );
  } catch (error) {
    if (!(error instanceof RateLimitedTooLong)) throw error;
    window.cutByRateLimit();
  }
  const { items, leftOut } = window.result();
  if (items.length === 0 && leftOut.cutByRateLimit) {
    throw new RecapError(
      'history_unavailable',
      'Slack asked recap to slow down before it could read this conversation. Please try again in a minute.',
    );
  }
  const messages = items.map((message) => ({ message }));
  if (conversation.threadTs) return { messages, leftOut };
  const { scope, limits } = request;
  // `last N` asks for N messages: the replies read with them do not make it more, and the older ones
  // they push out are not "beyond the limit" (as a window of Discord's `last N` never counts them).
  const last = scope.kind === 'last' ? scope.count : undefined;
  const keep = {
    most: Math.min(last ?? limits.maxMessages, limits.maxMessages),
    countOver: last === undefined || last > limits.maxMessages,
  };
  const earlier = pages.oldest === undefined ? [] : await earlierThreads(pages, pages.oldest, leftOut);
  return withBusiestThreads({ ...pages, bot }, { topLevel: messages, earlier }, leftOut, keep);
}

/**
 * Threads started before the scope with replies inside it ("today" in a thread begun yesterday); none
 * when the reading was cut short, or when RECAP_MAX_WINDOW cut the scope (they lie beyond the limit).
 */
async function earlierThreads(pages: Pages, sinceTs: string, leftOut: LeftOut): Promise<HistoryMessage[]> {
  if (leftOut.cutByRateLimit || leftOut.onlyLastMs !== undefined) return [];
  try {
    return await readEarlierThreads(pages, sinceTs);
  } catch (error) {
    if (!(error instanceof RateLimitedTooLong)) throw error;
    leftOut.cutByRateLimit = true;
    return [];
  }
}

/**
 * A channel recap reads the replies of its busiest threads too, within the message limit: those started
 * in the scope and those started `earlier` with replies in it (their parent is read with them, for what
 * the replies answer).
 */
async function withBusiestThreads(
  pages: Pages & { bot: BotIdentity },
  threads: { topLevel: Read['messages']; earlier: HistoryMessage[] },
  leftOut: LeftOut,
  keep: { most: number; countOver: boolean },
): Promise<Read> {
  const { topLevel, earlier } = threads;
  const busiest = [...topLevel.map(({ message }) => message), ...earlier]
    .filter((message) => (message.reply_count ?? 0) > 0)
    .sort((a, b) => (b.reply_count ?? 0) - (a.reply_count ?? 0))
    .slice(0, BUSIEST_THREADS);
  const replies: Read['messages'] = [];
  for (const parent of busiest) {
    const before = replies.length;
    try {
      await readThread(pages, parent.ts, (reply) => {
        // A reply also sent to the channel was read there already.
        if (reply.ts === parent.ts || reply.subtype === 'thread_broadcast') return;
        const skip = skipOf(reply, pages.bot);
        if (skip === 'bot') leftOut.botMessages += 1;
        else if (skip === 'system') leftOut.systemMessages += 1;
        else replies.push({ message: reply, replyTo: parent.ts });
      });
    } catch (error) {
      if (!(error instanceof RateLimitedTooLong)) throw error;
      leftOut.cutByRateLimit = true;
      break;
    }
    if (replies.length > before && earlier.includes(parent) && !skipOf(parent, pages.bot))
      replies.push({ message: parent });
  }
  const all = [...topLevel, ...replies].sort((a, b) => tsToMs(a.message.ts) - tsToMs(b.message.ts));
  const over = Math.max(0, all.length - keep.most);
  if (keep.countOver) leftOut.beyondLimit += over;
  return { messages: all.slice(over), leftOut };
}

function conversationMessage(
  message: HistoryMessage,
  names: SlackNames,
  replyTo?: string,
): ConversationMessage {
  const author = authorOf(message);
  return {
    id: message.ts,
    author: {
      id: author,
      name: isBotMessage(message) ? (names.get(author) ?? 'an app') : names.nameOrLabel(author),
      bot: isBotMessage(message),
    },
    at: tsToMs(message.ts),
    text: plainSlackText(message.text, (id, label) => names.get(id) ?? label ?? names.nameOrLabel(id)),
    files: (message.files ?? []).map((file) => file.name ?? file.title ?? 'file'),
    ...(replyTo ? { replyTo } : {}),
  };
}

/** `#general`, `a thread in #general`, or a direct conversation. */
async function placeOf(client: WebClient, patience: Patience, request: RecapRequest): Promise<string> {
  const info = await patience
    .call(() => client.conversations.info({ channel: request.conversation.channel }))
    .catch(() => undefined);
  const channel = info?.channel;
  const name =
    channel?.is_im || channel?.is_mpim || !channel?.name ? 'this conversation' : `#${channel.name}`;
  return request.conversation.threadTs ? `a thread in ${name}` : name;
}
