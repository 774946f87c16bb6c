import { RecapError } from '../errors.js';
import type { Document, Summary, SummaryStats } from '../types.js';
import { CallBudget } from './call-budget.js';
import { modelText } from './chunking.js';
import type { LanguageModel } from './ollama-model.js';
import { stripBulletMark } from './output.js';
import type { PartCall, PartNotes, PartRunner } from './part-runner.js';
import { PromptOverflow, Replanner, unwrapOverflow } from './plan.js';
import { type SummarizeRun, SummaryJob } from './summary-job.js';

export { SUMMARY_ANSWER_TOKENS, type SummarizeRun } from './summary-job.js';

export interface SummarizerOptions {
  model: LanguageModel;
  /** The largest context window recap may ask for (RECAP_NUM_CTX); the model's own limit also applies. */
  maxContext: number;
  /** The most model calls one summary may take (RECAP_MAX_MODEL_CALLS); a larger plan is refused. */
  maxModelCalls?: number;
  /** Where a long document's parts are written (issue 13: by every worker); unset, here one by one. */
  runParts?: PartRunner | undefined;
}

export interface Summarizer {
  summarize(document: Document, run: SummarizeRun): Promise<{ summary: Summary; stats: SummaryStats }>;
}

export function createSummarizer(options: SummarizerOptions): Summarizer {
  const maxModelCalls = options.maxModelCalls ?? Number.POSITIVE_INFINITY;
  return {
    async summarize(document, run) {
      // A long transcript is rendered a part at a time, as each is sent: not whole once more.
      const content = modelText(document);
      if (content.length === 0) {
        throw new RecapError('empty_document', 'There is nothing to summarize: the document has no text.');
      }
      const started = performance.now();
      const trained = await options.model.contextLength(run.signal);
      const limits = {
        maxContext: Math.min(trained, options.maxContext),
        calls: new CallBudget(maxModelCalls),
      };
      // Shared by every attempt: a plan that had to be redone still cost its calls.
      const stats: Omit<SummaryStats, 'ms'> = { chunks: 1, modelCalls: 0, promptTokens: 0, numCtx: 0 };
      const replanner = new Replanner();
      const partsOf = (run: SummarizeRun) => (run.keepsNothing ? undefined : options.runParts);
      for (;;) {
        const { plan } = replanner;
        const job = new SummaryJob(options.model, limits, plan, document.title, run, stats, partsOf(run));
        try {
          const { bullets } = await job.execute(content);
          const summary = { bullets: bullets.map(stripBulletMark) };
          return { summary, stats: { ...stats, ms: Math.round(performance.now() - started) } };
        } catch (error) {
          if (!(error instanceof PromptOverflow)) throw error;
          if (!replanner.next(error)) throw unwrapOverflow(error, options.model.host);
          run.onProgress?.({ stage: 'retrying', reason: 'the document is denser than estimated' });
        }
      }
    },
  };
}

/**
 * One part's notes, as a part runner's worker writes them for a summary planned elsewhere: the same call,
 * checks and repair as a part written in the summary's own process.
 */
export async function writePartNotes(
  model: LanguageModel,
  call: PartCall,
  signal: AbortSignal,
): Promise<PartNotes> {
  const stats: Omit<SummaryStats, 'ms'> = { chunks: 1, modelCalls: 0, promptTokens: 0, numCtx: 0 };
  // A part's call and its one repair.
  const limits = { maxContext: call.maxContext, calls: new CallBudget(2) };
  const plan = { scale: call.scale, optimistic: false };
  const notes = await new SummaryJob(model, limits, plan, undefined, { signal }, stats).partNotes(
    call.messages,
  );
  const { modelCalls, promptTokens, numCtx } = stats;
  return { notes, stats: { modelCalls, promptTokens, numCtx } };
}
