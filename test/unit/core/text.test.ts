import { describe, expect, it } from 'vitest';
import { plainOneLine, truncate } from '../../../src/core/text.js';

describe('truncate', () => {
  it('keeps text that fits as it is', () => {
    expect(truncate('five bullets', 12)).toBe('five bullets');
  });

  it('cuts to the limit with an ellipsis', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abcdefghij', 5)).toHaveLength(5);
  });

  it('never leaves half an emoji (a surrogate pair) before the ellipsis', () => {
    const cut = truncate(`abc${'😀'.repeat(5)}`, 7);
    expect(cut).toBe('abc😀…');
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps a grapheme cluster whole: a family emoji, a flag, an accented letter', () => {
    const family = '👨‍👩‍👧';
    expect(truncate(`ab${family}cdef`, 6)).toBe('ab…');
    expect(truncate(`ab${family}cdef`, family.length + 3)).toBe(`ab${family}…`);
    expect(truncate('ab🇫🇷🇩🇪cd', 7)).toBe('ab🇫🇷…');
    expect(truncate('ab🇫🇷🇩🇪cd', 9)).toBe('ab🇫🇷…');
    expect(truncate('abe\u0301\u0301cd', 4)).toBe('ab…');
  });

  it('returns nothing when nothing fits', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
  });
});

describe('plainOneLine', () => {
  it('puts text on one line, with single spaces', () => {
    expect(plainOneLine('  # Heading\n\nline two\r\n\tthree  ')).toBe('# Heading line two three');
  });

  it('removes bidi overrides, isolates and marks, which can reorder what people read', () => {
    expect(plainOneLine('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(plainOneLine('a\u2066b\u2069c\u200Fd\u061Ce')).toBe('abcde');
  });

  it('removes zero-width spaces, word joiners, BOMs and control characters', () => {
    expect(plainOneLine('ev\u200Bery\u2060one\uFEFF\u0007!')).toBe('everyone !');
  });

  it('keeps the joiners that shape emoji and scripts, and drops stray ones', () => {
    expect(plainOneLine('👩🏽‍💻 and ❤️‍🔥')).toBe('👩🏽‍💻 and ❤️‍🔥');
    expect(plainOneLine('می‌خواهم')).toBe('می‌خواهم');
    expect(plainOneLine('\u200Dhidden \u200C text\u200D')).toBe('hidden text');
  });

  it('cuts to a maximum length without splitting a character', () => {
    expect(plainOneLine('one\ntwo three 😀😀', 14)).toBe('one two three…');
  });
});
