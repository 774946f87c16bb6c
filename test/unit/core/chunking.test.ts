import { describe, expect, it } from 'vitest';
import { formatTimestamp, renderForModel, splitIntoParts } from '../../../src/core/summarize/chunking.js';
import { estimateTokens } from '../../../src/core/summarize/tokens.js';
import { googleMemo, qmsumMeeting, readFixture } from '../../helpers/fixtures.js';

describe('splitIntoParts', () => {
  const transcript = googleMemo.transcript();

  it('gives back the whole text when the parts are joined: nothing is dropped', async () => {
    const parts = await splitIntoParts(transcript, 300, estimateTokens);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join('')).toBe(transcript);
  });

  it('keeps every part within the budget', async () => {
    for (const budget of [120, 300, 1000]) {
      for (const part of await splitIntoParts(transcript, budget, estimateTokens)) {
        expect(estimateTokens(part)).toBeLessThanOrEqual(budget);
      }
    }
  });

  it('cuts a transcript without punctuation at spaces, never inside a word', async () => {
    const parts = await splitIntoParts(transcript, 200, estimateTokens);
    const words = new Set(transcript.split(/\s+/));
    for (const part of parts) {
      const [first] = part.trim().split(/\s+/);
      expect(words.has(first ?? '')).toBe(true);
      expect(/\s$/.test(part) || part === parts.at(-1)).toBe(true);
    }
  });

  it('cuts at sentence ends when there are some', async () => {
    const text = 'First point here. Second point there. Third point everywhere. '.repeat(40);
    const parts = await splitIntoParts(text, 60, estimateTokens);
    for (const part of parts.slice(0, -1)) expect(part.trimEnd().endsWith('.')).toBe(true);
  });

  it('makes parts of similar size instead of a full one and a scrap', async () => {
    for (const budget of [700, 1000, 1800]) {
      const sizes = (await splitIntoParts(transcript, budget, estimateTokens)).map(estimateTokens);
      expect(Math.min(...sizes)).toBeGreaterThan(Math.max(...sizes) * 0.6);
    }
  });

  it('splits Chinese text, which has no spaces, between characters', async () => {
    const text = readFixture('languages/chinese.txt').repeat(10);
    const parts = await splitIntoParts(text, 100, estimateTokens);
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(estimateTokens(part)).toBeLessThanOrEqual(100);
  });

  it('keeps speaker lines whole when they fit', async () => {
    const text = qmsumMeeting('ES2004a')
      .map((turn) => `${turn.speaker}: ${turn.content}`)
      .join('\n');
    const parts = await splitIntoParts(text, 1500, estimateTokens);
    for (const part of parts)
      expect(part.startsWith('Project Manager:') || /^[A-Z][\w ]+:/.test(part)).toBe(true);
  });
});

describe('renderForModel', () => {
  it('writes timed segments as "[m:ss] Speaker: text" lines', () => {
    const text = renderForModel({
      text: 'ignored when segments exist',
      source: { kind: 'text' },
      segments: [
        { text: ' Hello all ', startMs: 5_000, speaker: 'Ana' },
        { text: 'Next item', startMs: 3_725_000 },
        { text: '   ' },
        { text: 'No time' },
      ],
    });
    expect(text).toBe('[0:05] Ana: Hello all\n[1:02:05] Next item\nNo time');
  });

  it('uses the plain text when there are no segments', () => {
    expect(renderForModel({ text: '  Just text \n', source: { kind: 'text' } })).toBe('Just text');
  });

  it('formats timestamps past an hour with hours', () => {
    expect(formatTimestamp(59_999)).toBe('0:59');
    expect(formatTimestamp(3_600_000)).toBe('1:00:00');
  });
});
