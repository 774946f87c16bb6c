import type { Segment } from '../../types.js';

/**
 * Limits of a merged caption paragraph. Auto-captions come as cues of a few words with no
 * punctuation; each cue as its own `[m:ss]` line cuts sentences mid-phrase and spends about a third
 * of the tokens on timestamps. Cues are merged into sentences, or short paragraphs when there is no
 * punctuation, so a timestamp still points within about half a minute of what a bullet draws on.
 */
export const PARAGRAPH = {
  /** A sentence end closes the paragraph once it holds this many characters. */
  minChars: 80,
  /** Without a sentence end, the paragraph closes at the first cue boundary past this many. */
  maxChars: 320,
  /** Nor does a paragraph run longer than this from its first cue. */
  maxSpanMs: 30_000,
  /** A silence this long between two cues starts a new paragraph. */
  maxGapMs: 8_000,
};

/** Ends with . ! ? … (or their CJK forms), perhaps followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?…。！？][”’"')\]]*$/;

/**
 * Merges consecutive caption segments of one speaker into sentences or short paragraphs, each with
 * the start time of its first cue. Segments without a start time, or of another speaker, are never
 * merged into one another. Linear in the number of segments.
 */
export function mergeCaptions(segments: readonly Segment[]): Segment[] {
  const merged: Segment[] = [];
  let current: Segment | undefined;
  let lastStartMs = 0;
  for (const segment of segments) {
    if (current && continues(current, segment, lastStartMs)) {
      current.text = `${current.text} ${segment.text}`;
    } else {
      current = { ...segment };
      merged.push(current);
    }
    lastStartMs = segment.startMs ?? lastStartMs;
  }
  return merged;
}

function continues(paragraph: Segment, next: Segment, lastStartMs: number): boolean {
  if (paragraph.startMs === undefined || next.startMs === undefined) return false;
  if (paragraph.speaker !== next.speaker) return false;
  if (next.startMs - lastStartMs > PARAGRAPH.maxGapMs) return false;
  if (next.startMs - paragraph.startMs > PARAGRAPH.maxSpanMs) return false;
  const length = paragraph.text.length;
  if (length >= PARAGRAPH.maxChars) return false;
  return length < PARAGRAPH.minChars || !SENTENCE_END.test(paragraph.text);
}
