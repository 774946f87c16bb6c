import { describe, expect, it } from 'vitest';
import { findLinks } from '../../../src/commands/links.js';
import { ProgressThrottle } from '../../../src/commands/progress-throttle.js';
import { describeAsk } from '../../../src/commands/request.js';
import { RateLimiter } from '../../../src/core/rate-limit.js';
import { locateBullets } from '../../../src/core/summarize/moments.js';

describe('findLinks', () => {
  it('finds links in chat text without the punctuation after them', () => {
    expect(
      findLinks('see https://a.example/x, and <https://b.example/y>! (https://c.example/z)').map(String),
    ).toEqual(['https://a.example/x', 'https://b.example/y', 'https://c.example/z']);
  });

  it('keeps a parenthesis that belongs to the link', () => {
    expect(findLinks('https://en.wikipedia.org/wiki/Mercury_(planet).').map(String)).toEqual([
      'https://en.wikipedia.org/wiki/Mercury_(planet)',
    ]);
  });
});

describe('RateLimiter', () => {
  it('lets a person ask `limit` times per window, then says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: () => now });
    limiter.take('ana');
    limiter.take('ana');
    expect(() => limiter.take('ana')).toThrow(/wait 60 seconds/);
    limiter.take('ben');
    now = 60_001;
    expect(() => limiter.take('ana')).not.toThrow();
  });
});

describe('ProgressThrottle', () => {
  it('edits at most once per interval, skips repeats and always shows the latest', async () => {
    const edits: string[] = [];
    const throttle = new ProgressThrottle<string>(
      async (text) => void edits.push(text),
      () => undefined,
      (t) => t,
      40,
    );
    throttle.show('a');
    throttle.show('a');
    throttle.show('b');
    throttle.show('c');
    await new Promise((resolve) => setTimeout(resolve, 80));
    throttle.show('d');
    await throttle.close();
    expect(edits[0]).toBe('a');
    expect(edits).toContain('c');
    expect(edits).not.toContain('b');
  });

  it('keeps going when an edit fails', async () => {
    const errors: unknown[] = [];
    const throttle = new ProgressThrottle<string>(
      async () => Promise.reject(new Error('429')),
      (e) => errors.push(e),
      (t) => t,
      0,
    );
    throttle.show('a');
    await throttle.close();
    expect(errors).toHaveLength(1);
  });
});

describe('locateBullets', () => {
  const segments = [
    { text: 'welcome everyone to the quarterly review', startMs: 0 },
    { text: 'revenue grew twelve percent thanks to the new pricing', startMs: 60_000 },
    { text: 'we are pausing hiring until july', startMs: 120_000 },
    { text: 'the office move to Berlin is planned for autumn', startMs: 180_000 },
  ];

  it('finds the moment each bullet is drawn from, and none for a bullet that matches nothing', () => {
    expect(
      locateBullets(
        [
          'Revenue grew twelve percent with the new pricing.',
          'The office move to Berlin happens in autumn.',
          'Nothing like this was said.',
        ],
        segments,
      ),
    ).toEqual([60_000, 180_000, undefined]);
  });

  it('gives no moments for a document without times', () => {
    expect(locateBullets(['a', 'b'], undefined)).toEqual([undefined, undefined]);
  });
});

describe('describeAsk', () => {
  it('cuts pasted text before an emoji it would split, never leaving half a character', () => {
    expect(describeAsk({ kind: 'text', text: `${'a'.repeat(59)}😀 and more` })).toBe(`“${'a'.repeat(59)}…”`);
  });

  it('shows pasted text and file names as one line, without bidi overrides', () => {
    expect(describeAsk({ kind: 'text', text: 'budget\n# approved\u202E today' })).toBe(
      '“budget # approved today”',
    );
    expect(describeAsk({ kind: 'file', file: { name: 'invoice\u202Efdp.exe' } })).toBe('invoicefdp.exe');
  });
});
