import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { estimateTokens, fewestTokens } from '../../../src/core/summarize/tokens.js';
import { googleMemo, qmsumMeeting, readFixture } from '../../helpers/fixtures.js';

const meeting = (name: 'ES2004a' | 'covid_4') =>
  qmsumMeeting(name)
    .map((turn) => `${turn.speaker}: ${turn.content}`)
    .join('\n');

const samples: Record<string, () => string> = {
  'an auto-generated English transcript': googleMemo.transcript,
  'a meeting with disfluency marks': () => meeting('ES2004a'),
  'a parliamentary committee': () => meeting('covid_4'),
  Russian: () => readFixture('languages/russian.txt'),
  Chinese: () => readFixture('languages/chinese.txt'),
  Japanese: () => readFixture('languages/japanese.txt'),
  'TypeScript code': () => readFixture('languages/code.txt'),
  'accented Latin (French)': () =>
    "Le comité a décidé d'élargir l'accès aux données publiques, malgré les réserves exprimées par plusieurs élus sur la protection de la vie privée.",
  emoji: () => 'Great work everyone 🎉🎉 see you Monday 👋 — ✅ shipped, 🚀 next',
};

describe('estimateTokens', () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`never counts fewer tokens than a real 100k-vocabulary tokenizer for ${name}`, () => {
      const sample = text();
      expect(estimateTokens(sample)).toBeGreaterThanOrEqual(encode(sample).length);
    });
  }

  it('stays within 1.5 times the real count for English, so contexts are not wasted', () => {
    for (const sample of [googleMemo.transcript(), meeting('covid_4')]) {
      expect(estimateTokens(sample)).toBeLessThanOrEqual(encode(sample).length * 1.5);
    }
  });

  it('counts nothing for an empty text', () => {
    expect(estimateTokens('')).toBe(0);
  });
});

describe('fewestTokens', () => {
  /** The sparsest texts for the estimate: six-letter words and single spaces, blank runs, lone spaces. */
  const sparse = {
    'six-letter words': 'sixsix '.repeat(5000),
    'ten-letter words': 'tenletters '.repeat(5000),
    'a run of newlines': `a${'\n'.repeat(40_000)}b`,
    'a run of spaces': `a${' '.repeat(40_000)}b`,
    'a lone space': ' ',
    'words and blank lines': 'sixsix sixsix\n\n\n\n'.repeat(3000),
  };

  for (const [name, text] of Object.entries({
    ...Object.fromEntries(Object.entries(samples).map(([k, f]) => [k, f()])),
    ...sparse,
  })) {
    it(`never exceeds the estimate, for ${name}`, () => {
      expect(fewestTokens(text)).toBeLessThanOrEqual(estimateTokens(text));
    });
  }

  it('counts a long run of newlines by its length, not as one token', () => {
    expect(estimateTokens('\n'.repeat(4000))).toBeGreaterThanOrEqual(1000);
  });
});
