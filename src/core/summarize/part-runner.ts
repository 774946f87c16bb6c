/**
 * The seam through which a long document's parts may run elsewhere (issue 13: as jobs that every worker
 * takes, each on its own model host), while the summarizer keeps the plan and the merge. Everything a
 * part needs travels in a `PartCall`, as plain JSON: no secrets, no functions.
 */
import type { ChatMessage } from './prompt.js';

/** One part's notes to write: its prompt and the estimates its plan was made with. */
export interface PartCall {
  messages: ChatMessage[];
  /** The plan's scale for recap's token estimates (above 1 after the server counted more). */
  scale: number;
  /** The context window the plan fits (RECAP_NUM_CTX within the model's own limit). */
  maxContext: number;
}

/** What a part's model calls cost, added to the summary's stats. */
export interface PartStats {
  modelCalls: number;
  promptTokens: number;
  numCtx: number;
}

export interface PartNotes {
  notes: string[];
  stats: PartStats;
}

export interface PartRun {
  signal: AbortSignal;
  /** Told each time a part's notes are in, in whatever order they come. */
  onDone(): void;
}

/**
 * Writes every part's notes, in the order of `calls`. Throws what a part's call threw: a RecapError, or
 * a PromptOverflow (the summarizer then plans again with larger estimates).
 */
export type PartRunner = (calls: readonly PartCall[], run: PartRun) => Promise<PartNotes[]>;
