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
  /** Files and pages parsed at once (RECAP_MAX_PARSES); more wait their turn. Default 2. */
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
  const slots = new ParseSlots(options.maxParses ?? 2);
  const parse = (file: FileBytes, signal: AbortSignal) => {
    const limits = {
      ...DEFAULT_PARSER_LIMITS,
      ...options.parser,
      maxTextBytes: options.maxFileBytes,
      signal,
    };
    return slots.run(signal, () => documentFromFile(file, limits));
  };
  return {
    async read(input, readOptions) {
      return withCappedTitle(await readInput(input, readOptions));
    },
  };

  async function readInput(input: Input, { signal, language }: ReadOptions): Promise<Document> {
    switch (input.kind) {
      case 'text':
        return textDocument(input.text, { kind: 'text' }, input.title);
      case 'file': {
        const bytes = await input.download({ signal, maxBytes: options.maxFileBytes });
        if (bytes.length > options.maxFileBytes) throw fileTooLarge(input.name, options.maxFileBytes);
        return parse(
          {
            bytes,
            name: input.name,
            contentType: input.contentType,
            source: { kind: 'file', name: input.name },
          },
          signal,
        );
      }
      case 'url': {
        const video = parseYouTubeUrl(input.url);
        if (video) return options.youtube.read(video, { signal, language });
        const page = await options.fetch(input.url, {
          accept: READABLE_CONTENT_TYPES,
          maxBytes: options.maxFileBytes,
          signal,
        });
        const name = lastPathSegment(page.url) || page.url.hostname;
        return parse(
          {
            bytes: page.bytes,
            name,
            contentType: page.contentType,
            source: { kind: 'url', url: input.url.href },
          },
          signal,
        );
      }
    }
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
