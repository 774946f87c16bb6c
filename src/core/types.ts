import { z } from 'zod';
import type { PromptSet } from './summarize/prompt.js';

/** Where a document came from, so an answer can name and link its source. */
export type SourceRef =
  | { kind: 'text'; label?: string }
  | { kind: 'file'; name: string }
  | { kind: 'url'; url: string };

/** A piece of a document with its place in time and its speaker, when the source knows them. */
export interface Segment {
  text: string;
  startMs?: number;
  speaker?: string;
}

/** What every source produces and the summarizer consumes. */
export interface Document {
  title?: string;
  text: string;
  segments?: Segment[];
  source: SourceRef;
  language?: string;
}

export const BULLET_COUNT = 5;

/** The answer's contract: exactly five non-empty bullets. Anything else is never a success. */
export const SummarySchema = z.object({
  bullets: z.array(z.string().trim().min(1)).length(BULLET_COUNT),
});
export type Summary = z.infer<typeof SummarySchema>;

export interface SummaryStats {
  /** Parts the document was split into (1 when it fit in one call). */
  chunks: number;
  modelCalls: number;
  /** Prompt tokens the model reported reading, over every call. */
  promptTokens: number;
  /** The largest context window asked for. */
  numCtx: number;
  ms: number;
}

export interface SummaryResult extends Summary {
  title?: string;
  model: string;
  stats: SummaryStats;
  cached: boolean;
}

/** What a long job reports while it runs. */
export type Progress =
  | { stage: 'queued'; position: number }
  /** `messages`: a conversation recap's messages read so far. */
  | { stage: 'reading'; messages?: number }
  | { stage: 'summarizing'; part: number; parts: number }
  | { stage: 'merging'; part: number; parts: number }
  | { stage: 'writing' }
  | { stage: 'retrying'; reason: string };

export type ProgressListener = (progress: Progress) => void;

export interface SummarizeOptions {
  signal: AbortSignal;
  /** A language to write in (a name or a BCP 47 tag); the document's own language when absent. */
  language?: string;
  onProgress?: ProgressListener;
  /** How the model is asked; documents' prompts when absent (a conversation recap brings its own). */
  prompts?: PromptSet;
  /**
   * False for content that must not outlive the request (a conversation: a deleted message must not come
   * back): the summary is neither cached nor shared with another request. True when absent.
   */
  cacheable?: boolean;
}

/** What a person asked to summarize, as a platform adapter or the CLI hands it to the core. */
export type Input =
  | { kind: 'text'; text: string; title?: string }
  | { kind: 'url'; url: URL }
  | {
      kind: 'file';
      name: string;
      contentType?: string;
      size?: number;
      /**
       * Fetches the bytes; the adapter supplies any authentication. It stops reading past `maxBytes`
       * (the limit is on bytes actually read, whatever size was declared).
       */
      download(options: { signal: AbortSignal; maxBytes: number }): Promise<Uint8Array>;
    };
