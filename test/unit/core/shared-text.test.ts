import { describe, expect, it } from 'vitest';
import { fromWire, sharedText, toWire } from '../../../src/core/sources/shared-text.js';
import type { Document } from '../../../src/core/types.js';

const segments = [
  { text: 'We open with the budget for next year.', startMs: 0, speaker: 'Ana' },
  { text: 'Hiring waits for the review.', startMs: 4_000 },
  { text: 'Ok.', startMs: 9_000, speaker: 'Ben' },
];
const timed: Document = {
  title: 'Budget',
  text: segments.map((segment) => segment.text).join('\n'),
  segments,
  source: { kind: 'file', name: 'budget.vtt' },
};

describe('a timed document crossing from the parse process', () => {
  it('travels without its segments’ texts, which its text holds', () => {
    const wire = toWire(timed);
    expect(wire.segments?.map((segment) => segment.text)).toEqual(['', '', '']);
    expect(wire.lengths).toEqual(segments.map((segment) => segment.text.length));
    expect(wire.text).toBe(timed.text);
  });

  it('arrives whole, each segment with its text and timing', () => {
    expect(fromWire(structuredClone(toWire(timed)))).toEqual(timed);
  });

  it('travels whole when its text is not its segments joined by lines', () => {
    const other = { ...timed, text: `${timed.text} and more` };
    expect(toWire(other)).toBe(other);
    expect(fromWire(structuredClone(toWire(other)))).toEqual(other);
    const untimed: Document = { text: 'Just text.', source: { kind: 'text' } };
    expect(fromWire(toWire(untimed))).toEqual(untimed);
  });
});

describe('sharedText', () => {
  it('joins the segments by the separator and gives each its own text back', () => {
    const shared = sharedText(segments, ' ');
    expect(shared.text).toBe(segments.map((segment) => segment.text).join(' '));
    expect(shared.segments).toEqual(segments);
  });
});
