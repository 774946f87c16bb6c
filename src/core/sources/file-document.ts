import { RecapError } from '../errors.js';
import type { Document, SourceRef } from '../types.js';
import { runWorker, siblingModule, WorkerLimitError } from './bounded-worker.js';
import { detectFormat } from './formats/detect.js';
import type { ParseAnswer, ParseRequest } from './parse-file.js';

export { textDocument } from './parse-file.js';

export interface FileBytes {
  /** Handed over to the parser: detached (length 0) once the parse has started. */
  bytes: Uint8Array;
  name: string;
  contentType?: string | undefined;
  source: SourceRef;
}

/** The bounds on one parse of one file. */
export interface ParserLimits {
  timeoutMs: number;
  /** The JavaScript heap of the parse's worker. */
  maxHeapMb: number;
  /** The most bytes of buffers a parse may allocate: a .docx inflated, a PDF's streams decoded. */
  maxExpandedBytes: number;
  /** The most text (UTF-8 bytes) a document may hold once read (RECAP_MAX_FILE_BYTES). */
  maxTextBytes: number;
  signal: AbortSignal;
}

const PARSE_WORKER = siblingModule(import.meta.url, 'parse-worker');

/** Parse limits when nothing else is said: measured in bench/security.ts (npm run bench). */
export const DEFAULT_PARSER_LIMITS = {
  timeoutMs: 30_000,
  maxHeapMb: 384,
  maxExpandedBytes: 256 * 1024 * 1024,
} as const;

/**
 * Any supported file as a Document: title, text, and timed segments when the format has them. The
 * format is told from the first bytes here; everything else (decoding, every parser) runs in a
 * worker thread bounded in time, heap and buffers, so no file can stall or exhaust the bot.
 */
export async function documentFromFile(file: FileBytes, limits: ParserLimits): Promise<Document> {
  const { bytes, name, source } = file;
  if (bytes.length === 0)
    throw new RecapError('empty_document', `${name} is empty: there is nothing to summarize.`);
  const format = detectFormat(name, file.contentType, bytes);
  const owned = ownedCopy(bytes);
  const request: ParseRequest = {
    format,
    name,
    bytes: owned,
    source,
    limits: { maxExpandedBytes: limits.maxExpandedBytes, maxTextBytes: limits.maxTextBytes },
  };
  let answer: ParseAnswer;
  try {
    answer = await runWorker<ParseAnswer>(PARSE_WORKER, request, limits, [owned.buffer as ArrayBuffer]);
  } catch (error) {
    if (error instanceof WorkerLimitError) throw unreadable(name, error);
    throw error;
  }
  if (answer.ok) return answer.document;
  if ('code' in answer) throw new RecapError(answer.code, answer.userMessage);
  throw unreadable(name, new WorkerLimitError('failed', answer.failure));
}

/**
 * The bytes in an ArrayBuffer of their own, which can move to the worker without a copy. A view into
 * a larger buffer (Node's pool of small Buffers) is copied: moving that buffer would break its neighbours.
 */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

function unreadable(name: string, error: WorkerLimitError): RecapError {
  const reason =
    error.limit === 'time'
      ? 'it took too long to read'
      : error.limit === 'memory'
        ? 'it needs too much memory to read'
        : 'it is damaged or not what its name says';
  return new RecapError('unsupported_input', `Can't read ${name}: ${reason}.`, { cause: error });
}
