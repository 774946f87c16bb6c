import { parseYouTubeUrl } from '../core/sources/youtube-url.js';
import { formatTimestamp } from '../core/summarize/chunking.js';
import type { SourceRef } from '../core/types.js';

const LINK = /https?:\/\/[^\s<>"'`|]+/gi;
const TRAILING = /[.,;:!?)\]}*_~]+$/;

/** The web links in a chat message, in order, without the punctuation that follows them in a sentence. */
export function findLinks(text: string): URL[] {
  const links: URL[] = [];
  for (const match of text.matchAll(LINK)) {
    let candidate = match[0];
    // Keep a closing parenthesis that belongs to the link (Wikipedia-style), drop one that ends a sentence.
    while (TRAILING.test(candidate)) {
      const trimmed = candidate.replace(/.$/, '');
      if (
        candidate.endsWith(')') &&
        (trimmed.match(/\(/g) ?? []).length > (trimmed.match(/\)/g) ?? []).length
      )
        break;
      candidate = trimmed;
    }
    try {
      links.push(new URL(candidate));
    } catch {
      // not a link after all
    }
  }
  return links;
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
