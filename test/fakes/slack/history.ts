/**
 * conversations.history and conversations.replies as Slack pages them (docs.slack.dev reference pages,
 * mirrored in slack-ruby/slack-api-ref docs.slack.dev/methods/conversations.{history,replies}.json):
 * - history: the channel's messages, newest first, thread replies left out (they are read with
 *   conversations.replies); `limit` default 100, "Maximum of 999"; `oldest` (default 0) and `latest`
 *   (default now) are exclusive unless `inclusive`; "Fewer than the requested number of items may be
 *   returned, even if the end of the conversation history hasn't been reached";
 * - replies: the parent first, then its replies oldest first; `ts` may be the parent's or a reply's
 *   ("Unique identifier of either a thread's parent message or a message in the thread"); a message
 *   without replies returns alone; an unknown ts is `thread_not_found`; `limit` default 1000, max 1000;
 * - paging: `has_more` and `response_metadata.next_cursor`, an opaque cursor; Slack's examples are
 *   base64 of `next_ts:<ts without the dot>` ("bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"), and so are these.
 *   A cursor that does not decode is `invalid_cursor`.
 * - apps in the non-Marketplace cohort read at most 15 messages a call (changelog 2025-05-29, "Rate limit
 *   changes for non-Marketplace apps": "The maximum and default for the limit parameter has been reduced
 *   to 15 objects").
 */
import { compareTs, type Json, type StoredMessage, type Workspace } from './workspace.js';

export type Page = Json & {
  ok: true;
  messages: StoredMessage[];
  has_more: boolean;
  response_metadata?: { next_cursor: string };
};

export type Paged = Page | { ok: false; error: string };

export function conversationHistory(
  workspace: Workspace,
  channel: string,
  args: Json,
  maxLimit: number,
): Paged {
  const all = (workspace.messages.get(channel) ?? []).filter(
    (m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast',
  );
  const newestFirst = [...all].reverse();
  return page(inWindow(newestFirst, args), args, Math.min(maxLimit, 999), 100, 'newest-first');
}

export function conversationReplies(
  workspace: Workspace,
  channel: string,
  args: Json,
  maxLimit: number,
): Paged {
  const ts = String(args.ts ?? '');
  const message = workspace.find(channel, ts);
  if (!message) return { ok: false, error: 'thread_not_found' };
  const parentTs = message.thread_ts === undefined ? message.ts : String(message.thread_ts);
  const parent = workspace.find(channel, parentTs) ?? message;
  const thread = [parent, ...workspace.repliesOf(channel, parent.ts)];
  return page(inWindow(thread, args), args, Math.min(maxLimit, 1000), 1000, 'oldest-first');
}

function inWindow(messages: StoredMessage[], args: Json): StoredMessage[] {
  const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
  const oldest = args.oldest === undefined ? undefined : String(args.oldest);
  const latest = args.latest === undefined ? undefined : String(args.latest);
  return messages.filter((m) => {
    if (oldest !== undefined) {
      const order = compareTs(m.ts, oldest);
      if (order < 0 || (order === 0 && !inclusive)) return false;
    }
    if (latest !== undefined) {
      const order = compareTs(m.ts, latest);
      if (order > 0 || (order === 0 && !inclusive)) return false;
    }
    return true;
  });
}

function page(
  ordered: StoredMessage[],
  args: Json,
  maxLimit: number,
  defaultLimit: number,
  direction: 'newest-first' | 'oldest-first',
): Paged {
  const requested = args.limit === undefined || args.limit === '' ? defaultLimit : Number(args.limit);
  const limit = Math.max(1, Math.min(Number.isFinite(requested) ? requested : defaultLimit, maxLimit));
  let start = 0;
  if (args.cursor !== undefined && args.cursor !== '') {
    const ts = decodeCursor(String(args.cursor));
    if (ts === undefined) return { ok: false, error: 'invalid_cursor' };
    start = ordered.findIndex((m) =>
      direction === 'newest-first' ? compareTs(m.ts, ts) <= 0 : compareTs(m.ts, ts) >= 0,
    );
    if (start < 0) start = ordered.length;
  }
  const messages = ordered.slice(start, start + limit);
  const next = ordered[start + limit];
  return next
    ? { ok: true, messages, has_more: true, response_metadata: { next_cursor: encodeCursor(next.ts) } }
    : { ok: true, messages, has_more: false };
}

export function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${ts.replace('.', '')}`).toString('base64');
}

function decodeCursor(cursor: string): string | undefined {
  const match = /^next_ts:(\d{7,})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) return undefined;
  const digits = match[1];
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}
