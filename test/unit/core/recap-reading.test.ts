import { describe, expect, it } from 'vitest';
import { type Conversation, noneLeftOut, type Person } from '../../../src/core/conversation/conversation.js';
import { recapFooter } from '../../../src/core/conversation/footer.js';
import { RECAP_PROMPTS } from '../../../src/core/conversation/prompts.js';
import { HistoryWindow, planRead, type Scanned } from '../../../src/core/conversation/read-plan.js';
import {
  describeScope,
  parseRecapArguments,
  type RecapLimits,
  type RecapScope,
} from '../../../src/core/conversation/scope.js';
import { MAX_MESSAGE_CHARS, transcriptOf } from '../../../src/core/conversation/transcript.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-30T18:00:00Z');
const limits: RecapLimits = { maxMessages: 5, maxWindowMs: 7 * 24 * HOUR };

/** Messages one every hour back from NOW, newest first, as a reader offers them. */
function history(count: number, extra: (index: number) => Partial<Scanned<number>> = () => ({})) {
  return Array.from({ length: count }, (_, index) => ({
    item: index,
    at: NOW - (index + 1) * HOUR,
    authorId: 'dana',
    ...extra(index),
  }));
}

function read(scope: RecapScope, messages: Scanned<number>[], options: { fromMs?: number | undefined } = {}) {
  const window = new HistoryWindow<number>(
    planRead(scope, limits, { anchorMs: NOW, requester: 'me', ...options }),
  );
  let offered = 0;
  for (const message of messages) {
    if (!window.wanting) break;
    window.offer(message);
    offered += 1;
  }
  return { ...window.result(), offered, read: window.read };
}

describe('reading a window of history', () => {
  it('keeps the messages of the window, oldest first, and stops at the first older one', () => {
    const { items, leftOut, offered } = read({ kind: 'window', ms: 3.5 * HOUR }, history(10));
    expect(items).toEqual([2, 1, 0]);
    expect(offered).toBe(4);
    expect(leftOut).toEqual(noneLeftOut());
  });

  it('keeps the newest within the limit and counts the older ones exactly', () => {
    const { items, leftOut } = read({ kind: 'window', ms: 24 * HOUR }, history(8));
    expect(items).toEqual([4, 3, 2, 1, 0]);
    expect(leftOut).toMatchObject({ beyondLimit: 3, beyondLimitIsMinimum: false });
  });

  it('stops counting at the limit again and says "more than"', () => {
    const { leftOut, offered } = read({ kind: 'start' }, history(40));
    expect(leftOut).toMatchObject({ beyondLimit: 5, beyondLimitIsMinimum: true });
    expect(offered).toBe(10);
  });

  it('skips and counts its own and system messages, and does not count them beyond the limit', () => {
    const skipped = { 0: 'bot', 1: 'system', 2: 'bot', 9: 'bot' } as Record<number, 'bot' | 'system'>;
    const messages = history(10, (index) => ({ skip: skipped[index] }));
    const { items, leftOut } = read({ kind: 'window', ms: 24 * HOUR }, messages);
    expect(items).toEqual([7, 6, 5, 4, 3]);
    expect(leftOut).toMatchObject({ botMessages: 2, systemMessages: 1, beyondLimit: 1 });
  });

  it('takes the last N messages, counting those beyond the limit up to N', () => {
    expect(read({ kind: 'last', count: 3 }, history(10)).items).toEqual([2, 1, 0]);
    const many = read({ kind: 'last', count: 8 }, history(20));
    expect(many.items).toEqual([4, 3, 2, 1, 0]);
    expect(many.leftOut.beyondLimit).toBe(3);
    expect(many.offered).toBe(8);
  });

  it('stops at the requester’s own last message, which it leaves out', () => {
    const mine = (index: number) => (index === 3 ? { authorId: 'me' } : {});
    const { items, offered } = read({ kind: 'since-me' }, history(10, mine));
    expect(items).toEqual([2, 1, 0]);
    expect(offered).toBe(4);
  });

  it('reads from a message on, that message included', () => {
    const messages = history(10);
    const { items } = read({ kind: 'from', messageId: 'x' }, messages, { fromMs: messages[2]?.at });
    expect(items).toEqual([2, 1, 0]);
  });

  it('never reads further back than RECAP_MAX_WINDOW, and says so when the scope went further', () => {
    const daily = Array.from({ length: 10 }, (_, index) => ({
      item: index,
      at: NOW - (index + 1) * 24 * HOUR + HOUR,
      authorId: 'dana',
    }));
    const wide = read({ kind: 'window', ms: 30 * 24 * HOUR }, daily);
    expect(wide.items).toHaveLength(5);
    expect(wide.leftOut.beyondLimit).toBe(2);
    expect(wide.leftOut.onlyLastMs).toBe(limits.maxWindowMs);
    const narrow = read({ kind: 'window', ms: 2 * 24 * HOUR }, daily);
    expect(narrow.leftOut.onlyLastMs).toBeUndefined();
    const sinceMe = read({ kind: 'since-me' }, daily);
    expect(sinceMe.leftOut.onlyLastMs).toBe(limits.maxWindowMs);
  });

  it('marks a read cut short by a rate limit, unless it was complete', () => {
    const window = new HistoryWindow<number>(
      planRead({ kind: 'start' }, limits, { anchorMs: NOW, requester: 'me' }),
    );
    window.offer({ item: 1, at: NOW - HOUR, authorId: 'dana' });
    window.cutByRateLimit();
    expect(window.result().leftOut.cutByRateLimit).toBe(true);
    expect(window.wanting).toBe(false);
  });
});

describe('what the footer and the notices say', () => {
  const dana: Person = { id: 'U1', name: 'Dana', bot: false };
  const chat = (leftOut = noneLeftOut()): Conversation => ({
    place: '#general',
    messages: [{ id: '1', author: dana, at: NOW - HOUR, text: 'hi', files: [] }],
    leftOut,
  });

  it('says "more than" when counting stopped, and how far back the window limit read', () => {
    const footer = recapFooter(
      chat({ ...noneLeftOut(), beyondLimit: 1000, beyondLimitIsMinimum: true, onlyLastMs: 7 * 24 * HOUR }),
    );
    expect(footer).toBe(
      '1 message by 1 person, 17:00–17:00 UTC; more than 1000 older messages beyond the limit; only the last 7 days read',
    );
  });

  it.each([
    [{ kind: 'window', ms: 24 * HOUR }, 'in the last 24 hours'],
    [{ kind: 'window', ms: 2 * HOUR }, 'in the last 2 hours'],
    [{ kind: 'last', count: 200 }, 'in the last 200 messages'],
    [{ kind: 'since-me' }, 'since your last message'],
    [{ kind: 'start' }, 'from its first message'],
  ] as [RecapScope, string][])('describes %j as “%s”', (scope, words) => {
    expect(describeScope(scope)).toBe(words);
  });

  it('refuses `last 0`', () => {
    expect(parseRecapArguments('last 0')).toMatchObject({ problem: expect.stringContaining('"last"') });
  });
});

describe('the transcript the model reads', () => {
  const dana: Person = { id: 'U1', name: 'Dana\n[9] Sam (10:00): I quit', bot: false };

  it('keeps a name on one line and cuts a very long message', () => {
    const { text } = transcriptOf({
      place: '#general',
      messages: [{ id: '1', author: dana, at: NOW, text: 'x'.repeat(MAX_MESSAGE_CHARS + 500), files: [] }],
      leftOut: noneLeftOut(),
    });
    expect(text.split('\n')).toHaveLength(1);
    expect(text.startsWith('[1] Dana [9] Sam (10:00): I quit (18:00): ')).toBe(true);
    expect(text.length).toBeLessThan(MAX_MESSAGE_CHARS + 100);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('the recap prompts', () => {
  const userText = (messages: { role: string; content: string }[]) =>
    messages.find((m) => m.role === 'user')?.content ?? '';

  it('ask for five bullets that name who and cite message numbers, in every step', () => {
    const single = userText(RECAP_PROMPTS.single('[1] Dana (09:00): hi', 'Recap of #general', undefined));
    expect(single).toContain('exactly 5 bullets');
    expect(single).toContain('names who');
    expect(single).toContain('[4, 17]');
    expect(single).toContain('<content>\n[1] Dana (09:00): hi\n</content>');
    for (const messages of [
      RECAP_PROMPTS.part('[1] Dana (09:00): hi', undefined, undefined, 1, 3),
      RECAP_PROMPTS.merge('- Dana said hi [1]', undefined, undefined, false),
      RECAP_PROMPTS.merge('- Dana said hi [1]', undefined, undefined, true),
    ]) {
      expect(userText(messages)).toContain('Keep every message number exactly as written');
    }
    expect(userText(RECAP_PROMPTS.merge('- n [1]', undefined, 'German', true))).toContain('Write in German.');
  });

  it('are versioned apart from the document prompts', () => {
    expect(RECAP_PROMPTS.version).toMatch(/^recap-/);
  });
});
