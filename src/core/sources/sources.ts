import { RecapError } from '../errors.js';
import type { SafeFetch } from '../fetch/safe-fetch.js';
import { formatBytes } from '../text.js';
import { capTitle } from '../title.js';
import type { Document, Input } from '../types.js';
import {
  DEFAULT_PARSER_LIMITS,
  documentFromFile,
  type FileBytes,
  type ParserLimits,
  textDocument,
} from './file-document.js';
import { READABLE_CONTENT_TYPES } from './formats/detect.js';
import { ParseSlots } from './parse-slots.js';
import type { YouTubeReader } from './youtube.js';
import { parseYouTubeUrl } from './youtube-url.js';

export interface SourcesOptions {
  fetch: SafeFetch;
  youtube: YouTubeReader;
  /** The most bytes read of a file or a linked page, and of text kept from one (RECAP_MAX_FILE_BYTES). */
  maxFileBytes: number;
  /** Bounds on each parse; DEFAULT_PARSER_LIMITS for what is not given. */
  parser?: Partial<Omit<ParserLimits, 'signal' | 'maxTextBytes'>>;
  /** Files, pages and videos read (downloaded and parsed) at once (RECAP_MAX_PARSES); more wait their turn. Default 2. */
  maxParses?: number;
}

export interface ReadOptions {
  signal: AbortSignal;
  /** The language wanted, used to choose among a video's caption tracks. */
  language?: string | undefined;
}

/** Turns what a person shared (text, a file, a link) into a Document. */
export interface Sources {
  read(input: Input, options: ReadOptions): Promise<Document>;
}

export function createSources(options: SourcesOptions): Sources {
  // One slot covers a whole read, download and parse: the bytes downloaded are held until the parse
  // has them, so taking the slot only to parse let any number of downloads (each up to
  // RECAP_MAX_FILE_BYTES) pile up in front of the parses. A pool of downloads of its own would need a
  // second setting, and each finished download would still have to keep its place until a parse slot
  // freed, or its bytes would pile up in between. The cost of one slot: a slow download holds it, for
  // at most its time limit (FETCH_TIMEOUT_MS).
  const slots = new ParseSlots(options.maxParses ?? 2);
  const parser = { ...DEFAULT_PARSER_LIMITS, ...options.parser };
  return {
    async read(input, readOptions) {
      const document =
        input.kind === 'text'
          ? textDocument(input.text, { kind: 'text' }, input.title)
          : await slots.run(readOptions.signal, () => readFileOrLink(input, readOptions));
      return withCappedTitle(document);
    },
  };

  async function readFileOrLink(
    input: Exclude<Input, { kind: 'text' }>,
    { signal, language }: ReadOptions,
  ): Promise<Document> {
    const maxBytes = options.maxFileBytes;
    const parse = (file: FileBytes) => documentFromFile(file, { ...parser, maxTextBytes: maxBytes, signal });
    if (input.kind === 'file') {
      const bytes = await input.download({ signal, maxBytes });
      if (bytes.length > maxBytes) throw fileTooLarge(input.name, maxBytes);
      return parse({
        bytes,
        name: input.name,
        contentType: input.contentType,
        source: { kind: 'file', name: input.name },
      });
    }
    const video = parseYouTubeUrl(input.url);
    if (video) return options.youtube.read(video, { signal, language, maxBytes, parser });
    const page = await options.fetch(input.url, { accept: READABLE_CONTENT_TYPES, maxBytes, signal });
    return parse({
      bytes: page.bytes,
      name: lastPathSegment(page.url) || page.url.hostname,
      contentType: page.contentType,
      source: { kind: 'url', url: input.url.href },
    });
  }
}

function withCappedTitle(document: Document): Document {
  const { title, ...rest } = document;
  const capped = capTitle(title);
  return capped === undefined ? rest : { ...rest, title: capped };
}

/** The file name a link ends with, if any ("report.pdf"); malformed escapes are kept as written. */
function lastPathSegment(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function fileTooLarge(name: string, maxBytes: number): RecapError {
  return new RecapError(
    'input_too_large',
    `${name} is larger than ${formatBytes(maxBytes)}, the most recap reads. Share a shorter file, or ask an admin to raise RECAP_MAX_FILE_BYTES.`,
  );
}
