import { RecapError } from '../errors.js';
import type { LanguageModel } from './ollama-model.js';

/** How a job estimates: `scale` multiplies every estimate; `optimistic` tries one call on a likely fit. */
export interface Plan {
  scale: number;
  optimistic: boolean;
}

/** A careful plan whose prompt did not fit is redone with larger estimates at most this many times, */
const MAX_REPLANS = 2;
/** and at most this many times on the word of recap's estimate alone, which a plan redone cannot teach. */
const MAX_UNVERIFIED_REPLANS = 1;

/**
 * The plan to try, and after each overflow the next one, or none: an optimistic single call that did
 * not fit falls back to the careful plan (not counted: that plan was the default one); a careful plan
 * that did not fit scales its estimates by what the server counted, or (when it refused without
 * counting, or only recap's estimate judged) by at least what num_ctx proves.
 */
export class Replanner {
  plan: Plan = { scale: 1, optimistic: true };
  private replans = 0;
  private unverifiedReplans = 0;

  /** Moves to the plan after `overflow`; false when there is none left to try. */
  next(overflow: PromptOverflow): boolean {
    if (overflow.optimistic) {
      this.plan = { ...this.plan, optimistic: false };
      return true;
    }
    if (this.replans >= MAX_REPLANS) return false;
    if (overflow.unverified && this.unverifiedReplans >= MAX_UNVERIFIED_REPLANS) return false;
    this.replans += 1;
    if (overflow.unverified) this.unverifiedReplans += 1;
    const seen = overflow.reported ?? overflow.numCtx;
    const scale = this.plan.scale * Math.max(1.25, (seen / overflow.estimated) * 1.1);
    this.plan = { optimistic: false, scale };
    return true;
  }
}

/** The server read, or would have read, more tokens than were budgeted: the answer is void. */
export class PromptOverflow extends Error {
  constructor(
    readonly estimated: number,
    /** What the server counted; undefined when it refused the prompt, or said nothing. */
    readonly reported: number | undefined,
    readonly numCtx: number,
    /** Whether the call was an optimistic try that the careful estimate said would not fit. */
    readonly optimistic: boolean,
    /** Judged by recap's estimate alone: the server neither counted the prompt nor refuses a long one. */
    readonly unverified = false,
  ) {
    super(
      unverified
        ? `the server did not count the prompt, and recap's estimate of ${estimated} tokens may not fit num_ctx ${numCtx}`
        : reported === undefined
          ? `the server refused a prompt estimated at ${estimated} tokens as longer than num_ctx ${numCtx}`
          : `the model read ${reported} prompt tokens where ${estimated} were budgeted (num_ctx ${numCtx})`,
    );
  }
}

export function unwrapOverflow(error: unknown, host: string): unknown {
  if (!(error instanceof PromptOverflow)) return error;
  if (error.unverified) {
    return new RecapError(
      'prompt_truncated',
      `recap cannot tell whether the model read the whole document: the server at ${host} neither says how many prompt tokens the model read (prompt_eval_count) nor refuses a prompt too long for the context, as Ollama 0.12.6 and later do. Update Ollama, or reach it directly rather than through a proxy that drops fields.`,
      { cause: error },
    );
  }
  return new RecapError(
    'prompt_truncated',
    'The model could not read the whole document within its context window, and recap will not summarize a cut text. Try a model with a larger context, or a smaller RECAP_NUM_CTX.',
    { cause: error },
  );
}

/** One answered call, as far as judging whether its prompt was read whole needs. */
export interface AnsweredCall {
  /** `prompt_eval_count`, when the server gave it. */
  count: number | undefined;
  /** recap's estimate of the prompt, which errs high. */
  estimated: number;
  numCtx: number;
  /** The tokens the prompt may take: num_ctx less the room kept for the answer. */
  room: number;
  optimistic: boolean;
}

/**
 * The prompt tokens the server says the model read (0 when it did not say), or PromptOverflow when
 * the prompt may not have been read whole:
 * - A count shows a cut when it exceeds the room. Every Ollama that answers recap's requests (a JSON
 *   schema as `format` needs 0.5.0) counts the whole prompt it kept, whatever its prompt cache held:
 *   `numPromptInputs = len(inputs)`, set before the cache is consulted (llama/runner/runner.go from
 *   0.4, runner/ollamarunner and runner/llamarunner/runner.go to 0.17). Before 0.2.0 the count left
 *   out the cached tokens and disappeared for a fully cached prompt (ollama/ollama#2068, fixed by
 *   #5371); no such server reaches this check.
 * - No count: api/types.go sends `prompt_eval_count,omitempty`, so Ollama itself leaves it out only
 *   for an empty prompt, and a proxy or another server may drop it. A server that refuses what does
 *   not fit (0.12.6 and later, with `truncate: false`) proved by answering that it read the prompt
 *   whole. Otherwise recap's own estimate, which errs high, decides: within the room, the prompt is
 *   taken as read whole; beyond it (only an optimistic call goes there), the plan is redone, once.
 */
export async function promptTokensRead(
  call: AnsweredCall,
  model: LanguageModel,
  signal: AbortSignal,
): Promise<number> {
  const { count, estimated, numCtx, room, optimistic } = call;
  if (count !== undefined) {
    if (count > room) throw new PromptOverflow(estimated, count, numCtx, optimistic);
    return count;
  }
  if (estimated <= room || (await model.refusesOverflow(signal))) return 0;
  throw new PromptOverflow(estimated, undefined, numCtx, optimistic, true);
}
