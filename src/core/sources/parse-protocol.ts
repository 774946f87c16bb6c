/** What crosses to and from the parse process: plain data, for a file or for one of YouTube's answers. */
import type { RecapErrorCode } from '../errors.js';
import type { ParseRequest } from './parse-file.js';
import type { YouTubeParseRequest } from './youtube-answers.js';

export type WorkerRequest = ({ kind: 'file' } & ParseRequest) | YouTubeParseRequest;

/** What a parse cost, measured in its process. */
export interface ParseStats {
  /** Time spent parsing, without starting the process. */
  ms: number;
  /** The process's peak resident memory. */
  peakMemoryMb: number;
}

/** The process's answer, with what the parse cost whatever its outcome. */
export type WorkerAnswer = { stats: ParseStats } & (
  | { ok: true; value: unknown }
  /** A RecapError the parse raised: what to tell the person. */
  | { ok: false; code: RecapErrorCode; userMessage: string }
  /** Any other failure: the parser's own message, for the log. */
  | { ok: false; failure: string }
);
