const ELLIPSIS = '…';

const graphemes: Intl.Segmenter | undefined =
  typeof Intl.Segmenter === 'function'
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : undefined;

/**
 * Shortens text to at most `max` UTF-16 code units, ending with an ellipsis when something was cut.
 * The cut falls between grapheme clusters, so an emoji, a flag or a letter with its accents is kept
 * whole or left out whole, never split into half a character before the "…".
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const keep = max - ELLIPSIS.length;
  return `${text.slice(0, clusterBoundaryAtOrBefore(text, keep)).trimEnd()}${ELLIPSIS}`;
}

/** The largest index ≤ `limit` that does not fall inside a grapheme cluster (or a surrogate pair). */
function clusterBoundaryAtOrBefore(text: string, limit: number): number {
  if (limit <= 0) return 0;
  if (!graphemes) return isLowSurrogate(text.charCodeAt(limit)) ? limit - 1 : limit;
  // Only the head is segmented, with the whole character at `limit` included: whether a cluster
  // starts at an index depends on the characters up to and at that index, never on what follows.
  const end = limit + (isHighSurrogate(text.charCodeAt(limit)) ? 2 : 1);
  let boundary = 0;
  for (const { index } of graphemes.segment(text.slice(0, end))) boundary = index;
  return boundary;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Characters that change how the text around them is shown without being seen themselves: bidi
 * embeddings, overrides and isolates (which can make "txt.exe" read as "exe.txt"), marks, and
 * zero-width spaces, joiners at the edge of a word, the BOM and invisible operators.
 */
const INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD\u180E]/g;
/** Control characters, line breaks and tabs included: each becomes a space. */
const CONTROLS = /\p{Cc}/gu;
const WHITESPACE_RUN = /[\s\u2028\u2029]+/g;

/**
 * Text as one line of plain characters for display in chat: line breaks and runs of spaces become
 * one space, control and invisible formatting characters are removed (see INVISIBLE), and the result
 * is cut to `max` characters with `truncate`. Markup is left as written: escaping it is the
 * platform's renderer's job.
 */
export function plainOneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  const visible = text.replace(CONTROLS, ' ').replace(INVISIBLE, '');
  const line = (hasJoiner(visible) ? withoutStrayJoiners(visible) : visible)
    .replace(WHITESPACE_RUN, ' ')
    .trim();
  return Number.isFinite(max) ? truncate(line, max) : line;
}

/** Before a joiner: what it joins (a letter, a mark such as U+FE0F, a digit, an emoji or its skin tone). */
const JOINS_AFTER = /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;
/** After a joiner: a letter, a mark, a digit or an emoji. */
const JOINS_BEFORE = /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}]/u;

function hasJoiner(text: string): boolean {
  return text.includes('\u200C') || text.includes('\u200D');
}

/** A zero-width (non-)joiner shapes the letters or emoji on both sides of it; anywhere else it only hides. */
function withoutStrayJoiners(text: string): string {
  const chars = Array.from(text);
  return chars
    .filter((char, index) => {
      if (char !== '\u200C' && char !== '\u200D') return true;
      return JOINS_AFTER.test(chars[index - 1] ?? '') && JOINS_BEFORE.test(chars[index + 1] ?? '');
    })
    .join('');
}

/** A byte count as people read it: "20 MB", "512 KB", "100 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
