import type { Document, Segment } from '../types.js';

/**
 * One copy of a timed document's text. Its `text` is its segments' texts joined; holding both as
 * separate strings held the text twice for as long as the request waited in line. Here each
 * segment's text is a slice of `text`, which V8 keeps as a pointer into it (a sliced string), not a
 * copy.
 */

/** A Document as it crosses from the parse process: with `lengths`, its segments' texts are left out. */
export type WireDocument = Document & { lengths?: number[] };

const SEPARATOR = '\n';

/** In the parse process: the segments' texts left out where the text holds them, joined by lines. */
export function toWire(document: Document): WireDocument {
  const { segments } = document;
  if (!segments || !joinedBy(document.text, segments, SEPARATOR)) return document;
  return {
    ...document,
    segments: segments.map((segment) => ({ ...segment, text: '' })),
    lengths: segments.map((segment) => segment.text.length),
  };
}

/**
 * In recap's process: the segments' texts as slices of the text. The segments just arrived from the
 * parse process and belong to nobody else, so they are completed in place, and each speaker's name,
 * which arrives as one string per segment, is kept once.
 */
export function fromWire(wire: WireDocument): Document {
  const { lengths, ...document } = wire;
  const { segments, text } = document;
  if (!lengths || !segments) return document;
  const speakers = new Map<string, string>();
  let offset = 0;
  for (const [index, segment] of segments.entries()) {
    const length = lengths[index] ?? 0;
    segment.text = text.slice(offset, offset + length);
    offset += length + SEPARATOR.length;
    if (segment.speaker === undefined) continue;
    const known = speakers.get(segment.speaker);
    if (known === undefined) speakers.set(segment.speaker, segment.speaker);
    else segment.speaker = known;
  }
  return document;
}

/** The text of `segments` joined by `separator`, with each segment's text a slice of it. */
export function sharedText(
  segments: readonly Segment[],
  separator: string,
): { text: string; segments: Segment[] } {
  const text = segments.map((segment) => segment.text).join(separator);
  const lengths = segments.map((segment) => segment.text.length);
  return { text, segments: sliced(text, segments, lengths, separator) };
}

function sliced(
  text: string,
  segments: readonly Segment[],
  lengths: readonly number[],
  separator: string,
): Segment[] {
  let offset = 0;
  return segments.map((segment, index) => {
    const length = lengths[index] ?? 0;
    const part = { ...segment, text: text.slice(offset, offset + length) };
    offset += length + separator.length;
    return part;
  });
}

/** Whether `text` is exactly the segments' texts joined by `separator` (compared in place, no copy). */
function joinedBy(text: string, segments: readonly Segment[], separator: string): boolean {
  let offset = 0;
  for (const [index, segment] of segments.entries()) {
    if (index > 0) {
      if (!text.startsWith(separator, offset)) return false;
      offset += separator.length;
    }
    if (!text.startsWith(segment.text, offset)) return false;
    offset += segment.text.length;
  }
  return offset === text.length;
}
