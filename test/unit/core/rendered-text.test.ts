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

/** A meeting as timed segments, with blank ones (dropped from the rendering) among them. */
function meetingSegments(): Segment[] {
  return qmsumMeeting('ES2004a').flatMap(({ speaker, content }, index) => [
    { text: content, startMs: index * 4000, speaker },
    ...(index % 7 === 0 ? [{ text: '  ', startMs: index * 4000 + 1 }] : []),
  ]);
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

  it('reads exactly as the whole rendering: length, characters, line ends and slices', () => {
    expect(lazy.length).toBe(whole.length);
    expect(lazy.toString()).toBe(whole);
    for (let index = -1; index <= whole.length; index += 37) {
      expect(lazy.charCodeAt(index)).toEqual(whole.charCodeAt(index));
      expect(lazy.charAt(index)).toBe(whole.charAt(index));
      expect(lazy.indexOf('\n', Math.max(0, index))).toBe(whole.indexOf('\n', Math.max(0, index)));
    }
    for (const [start, end] of [
      [0, 1],
      [5, 5000],
      [1234, 1300],
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
