import { parseYouTubeUrl } from '../core/sources/youtube-url.js';
import { formatTimestamp } from '../core/summarize/chunking.js';
import type { SourceRef } from '../core/types.js';

const LINK = /https?:\/\/[^\s<>"'`|]+/gi;
/** Punctuation that ends a sentence or wraps a link rather than belonging to it. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '*', '_', '~']);

/**
 * The web links in a chat message, in order, without the punctuation that follows them in a sentence.
 * Linear in the length of the text, whatever it holds (the runtime also caps what it hands here).
 */
export function findLinks(text: string): URL[] {
  const links: URL[] = [];
  for (const match of text.matchAll(LINK)) {
    try {
      links.push(new URL(withoutTrailingPunctuation(match[0])));
    } catch {
      // not a link after all
    }
  }
  return links;
}

/**
 * Drops the punctuation a link ends with, one character at a time from the end, but keeps a closing
 * parenthesis that closes one opened inside the link (Wikipedia's "Mercury_(planet)"). The counts of
 * parentheses are kept as characters are dropped, so each character is looked at a bounded number of times.
 */
function withoutTrailingPunctuation(candidate: string): string {
  let opens = 0;
  let closes = 0;
  for (const char of candidate) {
    if (char === '(') opens++;
    else if (char === ')') closes++;
  }
  let end = candidate.length;
  while (end > 0 && TRAILING.has(candidate[end - 1] ?? '')) {
    if (candidate[end - 1] === ')') {
      if (opens > closes - 1) break;
      closes--;
    }
    end--;
  }
  return candidate.slice(0, end);
}

/** A link to the moment in the source, when the source can be opened at a time (YouTube). */
export function momentLink(source: SourceRef, startMs: number): string | undefined {
  if (source.kind !== 'url') return undefined;
  const video = parseYouTubeUrl(new URL(source.url));
  if (!video) return undefined;
  return `https://www.youtube.com/watch?v=${video.id}&t=${Math.floor(startMs / 1000)}s`;
}

export function momentLabel(startMs: number): string {
  return formatTimestamp(startMs);
}

/** How a source is named under a summary. */
export function describeSource(source: SourceRef): string {
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'file':
      return source.name;
    case 'text':
      return source.label ?? 'the text you sent';
  }
}
