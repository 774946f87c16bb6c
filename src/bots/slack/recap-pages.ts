/**
 * Paging Slack history (docs.slack.dev conversations.history and conversations.replies): `cursor` from
 * `response_metadata.next_cursor` while `has_more`, `latest` exclusive (the request itself is not read),
 * `oldest` where the scope starts (nothing older is paged through),
 * pages of 200 as Slack recommends. Each message is parsed at this edge; Slack's refusals become words.
 */
import type { WebClient } from '@slack/web-api';
import { RecapError } from '../../core/errors.js';
import { type Patience, RateLimitedTooLong } from './recap-patience.js';
import { HistoryMessage, tsToMs } from './recap-text.js';

const PAGE = 200;

export interface Pages {
  client: WebClient;
  patience: Patience;
  channel: string;
  /** Only messages before this ts are read. */
  latest: string | undefined;
  /**
   * Only messages after this ts are read (`oldest`, exclusive: `inclusive` would apply to `latest` too,
   * and read the request itself): just before the start of the scope, when it has one.
   */
  oldest?: string | undefined;
}

type Page = { messages?: unknown[]; has_more?: boolean; response_metadata?: { next_cursor?: string } };

function parsed(page: Page): HistoryMessage[] {
  return (page.messages ?? []).flatMap((raw) => {
    const message = HistoryMessage.safeParse(raw);
    return message.success ? [message.data] : [];
  });
}

const next = (page: Page) => (page.has_more ? page.response_metadata?.next_cursor || undefined : undefined);

/** The pages of a channel's history (`ts` absent: newest first) or of a thread (oldest first), parsed. */
async function* pagesOf(pages: Pages, threadTs?: string): AsyncGenerator<HistoryMessage[]> {
  const { client, channel, latest, oldest } = pages;
  const window = {
    channel,
    limit: PAGE,
    ...(latest ? { latest } : {}),
    ...(oldest ? { oldest } : {}),
  };
  let cursor: string | undefined;
  do {
    const at = cursor ? { cursor } : {};
    const page: Page = await pages.patience
      .call(() =>
        threadTs
          ? client.conversations.replies({ ...window, ts: threadTs, ...at })
          : client.conversations.history({ ...window, ...at }),
      )
      .catch(unreadable);
    yield parsed(page);
    cursor = next(page);
  } while (cursor);
}

/** A channel's messages, newest first, while `wanting()`. */
export async function readChannel(
  pages: Pages,
  offer: (message: HistoryMessage) => void,
  wanting: () => boolean,
  progress: () => void,
): Promise<void> {
  for await (const page of pagesOf(pages)) {
    for (const message of page) {
      if (!wanting()) break;
      offer(message);
    }
    progress();
    if (!wanting()) return;
  }
}

/**
 * Threads started in the page of history just before `sinceTs` that have a reply after it: Slack has no
 * call that finds them (python-slack-sdk#1306: read history and compare each parent's `latest_reply`),
 * so one page is read, not the whole past. Newest first.
 */
export async function readEarlierThreads(pages: Pages, sinceTs: string): Promise<HistoryMessage[]> {
  const before = { ...pages, latest: sinceTs, oldest: undefined };
  for await (const page of pagesOf(before)) {
    const since = tsToMs(sinceTs);
    return page.filter(
      (message) => message.latest_reply !== undefined && tsToMs(message.latest_reply) > since,
    );
  }
  return [];
}

/**
 * A thread's messages, parent first, handed over newest first once read (`conversations.replies` pages
 * oldest first). When a rate limit stops the reading, what arrived is handed over before the error.
 */
export async function readThread(
  pages: Pages,
  threadTs: string,
  take: (message: HistoryMessage) => void,
  progress: (read: number) => void = () => undefined,
): Promise<void> {
  const all: HistoryMessage[] = [];
  try {
    for await (const page of pagesOf(pages, threadTs)) {
      all.push(...page);
      progress(all.length);
    }
  } finally {
    for (const message of all.reverse()) take(message);
  }
}

const REFUSALS: Record<string, string> = {
  not_in_channel: 'recap is not in this channel, so it cannot read it. Invite it with `/invite @recap`.',
  channel_not_found:
    'recap cannot see this conversation: it is private or a direct message recap is not part of. Invite recap to it first.',
  thread_not_found: 'That thread is gone.',
  missing_scope:
    'recap lacks a permission to read history here. Ask an admin to reinstall it from slack/manifest.yaml (it asks for channels:history, groups:history, im:history and mpim:history).',
};

function unreadable(error: unknown): never {
  if (error instanceof RateLimitedTooLong) throw error;
  const reason = (error as { data?: { error?: string } }).data?.error ?? '';
  throw new RecapError(
    'history_unavailable',
    REFUSALS[reason] ??
      'Slack did not give recap this conversation’s messages. Please try again in a minute.',
    { cause: error },
  );
}
