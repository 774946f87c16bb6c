import { describe, expect, it } from 'vitest';
import {
  modelText,
  renderSegment,
  splitIntoParts,
  splitIntoRanges,
} from '../../../src/core/summarize/chunking.js';
import { RenderedSegments } from '../../../src/core/summarize/rendered-text.js';
import { estimateTokens } from '../../../src/core/summarize/tokens.js';
import type { Segment } from '../../../src/core/types.js';
import { qmsumMeeting } from '../../helpers/fixtures.js';

/** A meeting as timed segments, three times over (several blocks), with blank ones among them. */
function meetingSegments(): Segment[] {
  const turns = qmsumMeeting('ES2004a');
  return [0, 1, 2].flatMap((round) =>
    turns.flatMap(({ speaker, content }, index) => {
      const startMs = (round * turns.length + index) * 4000;
      return [{ text: content, startMs, speaker }, ...(index % 7 === 0 ? [{ text: '  ', startMs }] : [])];
    }),
  );
}

/** The rendering made whole the way it was before: non-empty lines joined by newlines. */
function renderedWhole(segments: readonly Segment[]): string {
  return segments
    .map(renderSegment)
    .filter((line) => line !== '')
    .join('\n');
}

describe('RenderedSegments', () => {
  const segments = meetingSegments();
  const whole = renderedWhole(segments);
  const lazy = new RenderedSegments(segments, renderSegment);

  it('reads exactly as the whole rendering: its length, blocks of whole lines, and slices', () => {
    expect(lazy.length).toBe(whole.length);
    expect(lazy.toString()).toBe(whole);
    const blocks = [...lazy.blocks()];
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.join('')).toBe(whole);
    for (const block of blocks.slice(0, -1)) expect(block.endsWith('\n')).toBe(true);
    for (const [start, end] of [
      [0, 1],
      [5, 5000],
      [1234, 1300],
      [whole.indexOf('\n') - 3, whole.indexOf('\n') + 1],
      [whole.indexOf('\n'), 90_000],
      [whole.length - 10, whole.length + 5],
      [7000, 6000],
    ] as const) {
      expect(lazy.slice(start, end)).toBe(whole.slice(start, end));
    }
  });

  it('cuts a transcript into the same parts as its whole rendering', async () => {
    const ranges = await splitIntoRanges(lazy, 300, estimateTokens);
    const parts = ranges.map(([start, end]) => lazy.slice(start, end));
    expect(parts).toEqual(await splitIntoParts(whole, 300, estimateTokens));
    expect(parts.length).toBeGreaterThan(5);
  });

  it('is empty when every segment is blank, as the model would read nothing', () => {
    const source = { kind: 'text' } as const;
    const blank = modelText({ text: ' \n ', segments: [{ text: ' ' }, { text: '\n' }], source });
    expect(blank.length).toBe(0);
    expect(blank.toString()).toBe('');
  });
});
