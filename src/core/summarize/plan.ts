import { RecapError } from '../errors.js';
import type { LanguageModel } from './ollama-model.js';

/** How a job estimates: `scale` multiplies every estimate; `optimistic` tries one call on a likely fit. */
export interface Plan {
  scale: number;
  optimistic: boolean;
}

/**
 * After an overflow: an optimistic single call that did not fit falls back to the careful plan (which
 * had said it would not fit); a careful plan that did not fit scales its estimates by what the
 * server counted, or (when it refused without counting) by at least what num_ctx proves.
 */
export function nextPlan(plan: Plan, overflow: PromptOverflow): Plan {
  if (overflow.optimistic) return { ...plan, optimistic: false };
  const seen = overflow.reported ?? overflow.numCtx;
  return { optimistic: false, scale: plan.scale * Math.max(1.25, (seen / overflow.estimated) * 1.1) };
}

/** The server read, or would have read, more tokens than were budgeted: the answer is void. */
export class PromptOverflow extends Error {
  constructor(
    readonly estimated: number,
    /** What the server counted; undefined when it refused the prompt without saying. */
    readonly reported: number | undefined,
    readonly numCtx: number,
    /** Whether the call was an optimistic try that the careful estimate said would not fit. */
    readonly optimistic: boolean,
  ) {
    super(
      reported === undefined
        ? `the server refused a prompt estimated at ${estimated} tokens as longer than num_ctx ${numCtx}`
        : `the model read ${reported} prompt tokens where ${estimated} were budgeted (num_ctx ${numCtx})`,
    );
  }
}

export function unwrapOverflow(error: unknown): unknown {
  if (!(error instanceof PromptOverflow)) return error;
  return new RecapError(
    'prompt_truncated',
    'The model could not read the whole document within its context window, and recap will not summarize a cut text. Try a model with a larger context, or a smaller RECAP_NUM_CTX.',
    { cause: error },
  );
}

/**
 * The prompt tokens the server read. Every Ollama release with a Go runner reports the whole prompt
 * it kept (`numPromptInputs = len(inputs)`, set before the prompt cache is consulted, in
 * runner/ollamarunner/runner.go and runner/llamarunner/runner.go from 0.6 to 0.17), so a count
 * reduced by the cache does not occur; a missing one means something between recap and the model
 * dropped it, and then nothing shows whether the prompt was cut: refuse rather than guess.
 */
export function readCount(count: number | undefined, model: LanguageModel): number {
  if (count !== undefined) return count;
  throw new RecapError(
    'prompt_truncated',
    `The server at ${model.host} did not say how many prompt tokens the model read (prompt_eval_count), so recap cannot tell whether it saw the whole text, and will not summarize a text that may have been cut. Use Ollama 0.12.6 or newer, reached directly rather than through a proxy that drops fields.`,
  );
}
