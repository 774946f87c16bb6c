import { describe, expect, it } from 'vitest';
import { findLinks } from '../../../src/commands/links.js';

describe('findLinks', () => {
  it('drops the punctuation that ends a sentence after a link', () => {
    expect(
      findLinks('read https://a.example/x?q=1… and https://b.example/y*, then (https://c.example/z).'),
    ).toEqual([
      new URL('https://a.example/x?q=1…'),
      new URL('https://b.example/y'),
      new URL('https://c.example/z'),
    ]);
  });

  it('keeps closing parentheses that close ones opened in the link, however many', () => {
    expect(findLinks('see https://x.example/a_(b_(c)).').map(String)).toEqual([
      'https://x.example/a_(b_(c))',
    ]);
    expect(findLinks('(see https://x.example/a_(b)))').map(String)).toEqual(['https://x.example/a_(b)']);
  });

  it('reads a link followed by 30,000 closing parentheses as the link', () => {
    expect(findLinks(`http://a.example${')'.repeat(30_000)}`).map(String)).toEqual(['http://a.example/']);
  });
});
