import { z } from 'zod';

/** Which part of a conversation a recap covers: plain JSON, so it can travel in a job. */
export const RecapScopeSchema = z.discriminatedUnion('kind', [
  /** The last `ms` milliseconds. */
  z.object({ kind: z.literal('window'), ms: z.number().int().positive() }),
  /** The last `count` messages. */
  z.object({ kind: z.literal('last'), count: z.number().int().positive() }),
  /** Since the requester's own last message there. */
  z.object({ kind: z.literal('since-me') }),
  /** A thread from its first message. */
  z.object({ kind: z.literal('start') }),
  /** From one message to now ("Recap from here"). */
  z.object({ kind: z.literal('from'), messageId: z.string() }),
]);
export type RecapScope = z.infer<typeof RecapScopeSchema>;

export interface RecapLimits {
  /** RECAP_MAX_MESSAGES: the most messages one recap reads (the newest are kept). */
  maxMessages: number;
  /** RECAP_MAX_WINDOW: the longest time back one recap reads. */
  maxWindowMs: number;
}

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;

const UNITS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** `2h`, `24 h`, `3d`, `90min`, `1 week` as milliseconds; undefined for anything else. */
export function parseWindow(text: string): number | undefined {
  const match = /^(\d{1,4})\s?([a-z]{1,7})$/i.exec(text.trim());
  const unit = match?.[2] ? UNITS[match[2].toLowerCase()] : undefined;
  const amount = Number(match?.[1]);
  return unit === undefined || amount < 1 ? undefined : amount * unit;
}

export interface RecapArguments {
  scope: RecapScope | undefined;
  public: boolean;
}

export const RECAP_USAGE =
  'Usage: `/recap [24h | 3d | last 200 | since me] [public]`. Without a window it recaps the last 24 hours, privately.';

/**
 * The words after `/recap` (Slack): a window (`24h`, `3d`), `last N`, `since me`, and `public`, in any
 * order. Anything else is a usage problem, said in words.
 */
export function parseRecapArguments(text: string): RecapArguments | { problem: string } {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  let scope: RecapScope | undefined;
  let isPublic = false;
  const setScope = (next: RecapScope): string | undefined => {
    if (scope) return 'Give one of a window (`24h`), `last N` or `since me`, not several.';
    scope = next;
    return undefined;
  };
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    const next = words[index + 1];
    let problem: string | undefined;
    if (word === 'public') isPublic = true;
    else if (word === 'since' && next === 'me') {
      problem = setScope({ kind: 'since-me' });
      index++;
    } else if (word === 'last' && next !== undefined && /^\d{1,6}$/.test(next) && Number(next) > 0) {
      problem = setScope({ kind: 'last', count: Number(next) });
      index++;
      if (words[index + 1] === 'messages') index++;
    } else {
      const joined = next !== undefined && /^\d+$/.test(word) ? `${word}${next}` : word;
      const ms = parseWindow(word) ?? (joined !== word ? parseWindow(joined) : undefined);
      if (ms === undefined) return { problem: `I don't understand "${word.slice(0, 40)}". ${RECAP_USAGE}` };
      if (joined !== word && parseWindow(word) === undefined) index++;
      problem = setScope({ kind: 'window', ms });
    }
    if (problem) return { problem };
  }
  return { scope, public: isPublic };
}

/** "1 message", "3 messages". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A duration as people say it: "24 hours", "3 days", "90 minutes" (hours up to two days). */
export function describeWindow(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 2 * 86_400_000) return plural(ms / 86_400_000, 'day');
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  return plural(Math.round(ms / 60_000), 'minute');
}

/** What a person is told when the scope holds nothing to recap. */
export function describeEmpty(scope: RecapScope, maxWindowMs: number): string {
  switch (scope.kind) {
    case 'window':
      return `No messages in the last ${describeWindow(Math.min(scope.ms, maxWindowMs))} here.`;
    case 'last':
      return `No messages here in the last ${describeWindow(maxWindowMs)}.`;
    case 'since-me':
      return 'No messages here since your last one.';
    case 'start':
      return 'There is nothing to recap in this thread yet.';
    case 'from':
      return 'There is nothing to recap from that message on.';
  }
}

/** What a scope covers, as the end of a sentence: "in the last 24 hours", "since your last message". */
export function describeScope(scope: RecapScope): string {
  switch (scope.kind) {
    case 'window':
      return `in the last ${describeWindow(scope.ms)}`;
    case 'last':
      return `in the last ${plural(scope.count, 'message')}`;
    case 'since-me':
      return 'since your last message';
    case 'start':
      return 'from its first message';
    case 'from':
      return 'from that message on';
  }
}
