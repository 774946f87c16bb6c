/**
 * Pure mapping of the ways to ask Slack for a recap: `/recap [24h | 3d | last 200 | since me] [public]`
 * in a channel (slash commands cannot run in threads), the message shortcut Recap thread, and a mention
 * `@recap recap [same words]` (in a thread it recaps the thread). A plain mention keeps summarizing.
 */
import type { Mapped, RecapCommand } from '../../commands/request.js';
import { DEFAULT_WINDOW_MS, parseRecapArguments, type RecapScope } from '../../core/conversation/scope.js';
import type { SlackMessage } from './map-event.js';

export interface RecapWhere {
  channel: string;
  /** The thread recapped, when there is one. */
  threadTs?: string | undefined;
  /** Only messages older than this ts are read: the request itself and what follows are not. */
  before: string;
}

function recap(where: RecapWhere, scope: RecapScope, isPublic: boolean): Mapped<RecapCommand> {
  return {
    ok: true,
    value: {
      kind: 'recap',
      conversation: {
        channel: where.channel,
        ...(where.threadTs ? { threadTs: where.threadTs } : {}),
        before: where.before,
      },
      scope,
      public: isPublic,
    },
  };
}

/** The words after `/recap` or `@recap recap`; a thread is recapped from its start by default. */
export function mapRecapWords(text: string, where: RecapWhere): Mapped<RecapCommand> {
  const parsed = parseRecapArguments(text.slice(0, 200));
  if ('problem' in parsed) return { ok: false, problem: parsed.problem };
  const fallback: RecapScope = where.threadTs ? { kind: 'start' } : { kind: 'window', ms: DEFAULT_WINDOW_MS };
  return recap(where, parsed.scope ?? fallback, parsed.public);
}

/** Recap thread, on any message of a thread (or one that starts none yet): privately, from its start. */
export function mapRecapShortcut(message: SlackMessage, where: Omit<RecapWhere, 'threadTs'>) {
  return recap({ ...where, threadTs: message.thread_ts ?? message.ts }, { kind: 'start' }, false);
}

/** The words of a mention after the bot's own, when they ask for a recap ("recap", then its words). */
export function recapWordsOf(text: string, botUserId: string | undefined): string | undefined {
  const words = (botUserId ? text.replaceAll(`<@${botUserId}>`, ' ') : text).trim();
  const [first = '', ...rest] = words.slice(0, 300).split(/\s+/);
  return first.toLowerCase() === 'recap' ? rest.join(' ') : undefined;
}
