import { RecapError } from '../errors.js';
import type { Document, SourceRef } from '../types.js';
import { ParseLimitError, runBounded, siblingModule } from './bounded-process.js';
import { detectFormat } from './formats/detect.js';
import type { ParseStats, WorkerAnswer, WorkerRequest } from './parse-protocol.js';
import { fromWire, type WireDocument } from './shared-text.js';

export { textDocument } from './parse-file.js';

export interface FileBytes {
  bytes: Uint8Array;
  name: string;
  contentType?: string | undefined;
  source: SourceRef;
}

/** The bounds on one parse of one file. */
export interface ParserLimits {
  timeoutMs: number;
  /** The JavaScript heap of the parse's process. */
  maxHeapMb: number;
  /** The most bytes of buffers a parse may allocate: a .docx inflated, a PDF's streams decoded. */
  maxExpandedBytes: number;
  /** The most text (UTF-8 bytes) a document may hold once read (RECAP_MAX_FILE_BYTES). */
  maxTextBytes: number;
  signal: AbortSignal;
}

const PARSE_WORKER = siblingModule(import.meta.url, 'parse-worker');

/** Parse limits when nothing else is said: see the worst cases in bench/security.ts (npm run bench). */
export const DEFAULT_PARSER_LIMITS = {
  timeoutMs: 30_000,
  maxHeapMb: 256,
  maxExpandedBytes: 128 * 1024 * 1024,
} as const;

/** What a Node process holds besides the heap and the parser's buffers: its code, stacks, the input. */
const PROCESS_OVERHEAD_MB = 128;

/**
 * Any supported file as a Document: title, text, and timed segments when the format has them. The
 * format is told from the first bytes here; everything else (decoding, every parser) runs in a
 * child process bounded in time, heap, buffers and total memory, so no file can stall, exhaust or
 * crash the bot.
 */
export async function documentFromFile(file: FileBytes, limits: ParserLimits): Promise<Document> {
  return (await parseBounded(file, limits)).document;
}

/** `documentFromFile`, with what the parse cost (for the benchmarks and the security tests). */
export async function parseBounded(
  file: FileBytes,
  limits: ParserLimits,
): Promise<{ document: Document; stats: ParseStats }> {
  try {
    const { value, stats } = await parseInProcess(fileRequest(file, limits), limits);
    return { document: fromWire(value as WireDocument), stats };
  } catch (error) {
    if (error instanceof ParseLimitError) throw unreadable(file.name, error);
    throw error;
  }
}

/** What the parse process is asked for a file: its bytes, and its format told from the first of them. */
export function fileRequest(
  file: FileBytes,
  limits: Pick<ParserLimits, 'maxExpandedBytes' | 'maxTextBytes'>,
): WorkerRequest {
  const { bytes, name, source } = file;
  if (bytes.length === 0)
    throw new RecapError('empty_document', `${name} is empty: there is nothing to summarize.`);
  return {
    kind: 'file',
    format: detectFormat(name, file.contentType, bytes),
    name,
    bytes,
    source,
    limits: { maxExpandedBytes: limits.maxExpandedBytes, maxTextBytes: limits.maxTextBytes },
  };
}

/**
 * One parse in its own bounded process: the value it made and what that cost; the RecapError it
 * raised; or a ParseLimitError when it went past a limit or failed otherwise.
 */
export async function parseInProcess(
  request: WorkerRequest,
  limits: ParserLimits,
): Promise<{ value: unknown; stats: ParseStats }> {
  const answer = await runParse(request, limits);
  if (answer.ok) return { value: answer.value, stats: answer.stats };
  if ('code' in answer) throw new RecapError(answer.code, answer.userMessage);
  throw new ParseLimitError('failed', answer.failure);
}

/**
 * The parse process's answer as it sent it, refusals with what they cost too (for the security tests
 * and the benchmarks); a ParseLimitError when the process was stopped before it answered.
 */
export function runParse(request: WorkerRequest, limits: ParserLimits): Promise<WorkerAnswer> {
  const maxMemoryMb =
    limits.maxHeapMb + Math.ceil(limits.maxExpandedBytes / 1024 / 1024) + PROCESS_OVERHEAD_MB;
  return runBounded<WorkerAnswer>(PARSE_WORKER, request, { ...limits, maxMemoryMb });
}

function unreadable(name: string, error: ParseLimitError): RecapError {
  const reason =
    error.limit === 'time'
      ? 'it took too long to read'
      : error.limit === 'memory'
        ? 'it needs too much memory to read'
        : 'it is damaged or not what its name says';
  return new RecapError('unsupported_input', `Can't read ${name}: ${reason}.`, { cause: error });
}
