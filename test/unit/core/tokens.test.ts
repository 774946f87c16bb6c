import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../src/core/summarize/tokens.js';
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
