import type { z } from 'zod';
import { RecapError, throwIfAborted } from '../errors.js';
import type { ProgressListener, Summary, SummaryStats } from '../types.js';
import { SummarySchema } from '../types.js';
import { type CallBudget, plannedCalls } from './call-budget.js';
import { splitIntoRanges } from './chunking.js';
import { formatNotes, groupToBudget } from './merge-notes.js';
import { AnswerCutShort, PromptTooLong } from './ollama-errors.js';
import type { LanguageModel, ModelChatAnswer } from './ollama-model.js';
import { parseModelJson } from './output.js';
import type { PartCall, PartRunner } from './part-runner.js';
import { type Plan, PromptOverflow, promptTokensRead } from './plan.js';
import {
  type ChatMessage,
  DOCUMENT_PROMPTS,
  NotesSchema,
  notesFormat,
  type PromptSet,
  repairMessages,
  summaryFormat,
  TEMPLATE_TOKENS_PER_MESSAGE,
  TEMPLATE_TOKENS_PER_PROMPT,
} from './prompt.js';
import type { RenderedSegments } from './rendered-text.js';
import { estimateTokens, fewestTokens, LIKELY_OVERESTIMATE } from './tokens.js';

export interface SummarizeRun {
  signal: AbortSignal;
  language?: string | undefined;
  onProgress?: ProgressListener | undefined;
  /** How the model is asked (DOCUMENT_PROMPTS unless the content is of another kind, a conversation). */
  prompts?: PromptSet | undefined;
  /**
   * Nothing of the document may be kept or handed on (a conversation recap): its parts are written
   * here, even where a part runner would send them to other workers through Redis.
   */
  keepsNothing?: boolean | undefined;
}

/** Room kept for the answer (and its cap, num_predict): five short sentences as JSON, or up to eight notes. */
export const SUMMARY_ANSWER_TOKENS = 512;
const NOTES_ANSWER_TOKENS = 640;
/** num_ctx is rounded up to this step, so documents of similar size share one model load. */
const CONTEXT_STEP = 256;
/** Below this many tokens for content, a part would be mostly instructions: the context is too small. */
const MIN_PART_TOKENS = 256;

/**
 * One attempt at a summary under one plan: in one call when the document fits, else its parts' notes
 * (here one by one, or through the part runner) merged into five bullets. A plan the server shows to
 * be wrong ends it with PromptOverflow, and the summarizer tries again under the next plan.
 */
export class SummaryJob {
  /** Only a language the person asked for; otherwise the prompt says to write in the content's own. */
  private readonly language: string | undefined;
  private readonly maxContext: number;
  private readonly prompts: PromptSet;

  constructor(
    private readonly model: LanguageModel,
    private readonly limits: { maxContext: number; calls: CallBudget },
    private readonly plan: Plan,
    private readonly title: string | undefined,
    private readonly request: SummarizeRun,
    readonly stats: Omit<SummaryStats, 'ms'>,
    private readonly runParts?: PartRunner | undefined,
  ) {
    this.language = request.language;
    this.maxContext = limits.maxContext;
    this.prompts = request.prompts ?? DOCUMENT_PROMPTS;
  }

  private estimate = (text: string): number => Math.ceil(estimateTokens(text) * this.plan.scale);

  private estimateMessages(messages: readonly ChatMessage[]): number {
    return messages.reduce(
      (sum, message) => sum + this.estimate(message.content) + TEMPLATE_TOKENS_PER_MESSAGE,
      TEMPLATE_TOKENS_PER_PROMPT,
    );
  }

  async execute(content: string | RenderedSegments): Promise<Summary> {
    // From the length alone first: a document that cannot fit one call is not estimated whole, and
    // one that needs too many calls is refused before it is split (both read all of it).
    const fewest = Math.floor(fewestTokens(content) * this.plan.scale);
    if (this.likelyFits(fewest + SUMMARY_ANSWER_TOKENS)) {
      const single = this.prompts.single(content.toString(), this.title, this.language);
      const needed = this.estimateMessages(single) + SUMMARY_ANSWER_TOKENS;
      // The careful estimate errs high; where only it says "too long", one call is worth trying: the
      // server refuses a prompt that does not fit (or its count shows the cut), and the plan falls back.
      const optimistic = needed > this.maxContext && this.plan.optimistic && this.likelyFits(needed);
      if (needed <= this.maxContext || optimistic) {
        this.limits.calls.plan(1, 1);
        this.progress({ stage: 'writing' });
        return this.ask(single, SummarySchema, summaryFormat, SUMMARY_ANSWER_TOKENS, optimistic);
      }
    }
    const partBudget = this.contentBudget(
      this.prompts.part('', this.title, this.language, 99, 99),
      NOTES_ANSWER_TOKENS,
    );
    this.limits.calls.planAtLeast(Math.ceil(fewest / partBudget), this.notesPerMerge());
    const parts = await splitIntoRanges(content, partBudget, this.estimate);
    this.stats.chunks = parts.length;
    this.limits.calls.plan(plannedCalls(parts.length, this.notesPerMerge()), parts.length);
    if (this.runParts) {
      // Sent all at once to the workers: every part is read here.
      const texts = parts.map(([start, end]) => content.slice(start, end));
      return this.merge(await this.notesElsewhere(texts, this.runParts));
    }
    const notes: string[][] = [];
    for (const [index, [start, end]] of parts.entries()) {
      this.progress({ stage: 'summarizing', part: index + 1, parts: parts.length });
      const part = content.slice(start, end);
      const messages = this.prompts.part(part, this.title, this.language, index + 1, parts.length);
      notes.push(await this.partNotes(messages));
    }
    return this.merge(notes);
  }

  /** The map step, one call (and its repair) for one part's notes. */
  async partNotes(messages: readonly ChatMessage[]): Promise<string[]> {
    return (await this.ask(messages, NotesSchema, notesFormat, NOTES_ANSWER_TOKENS)).notes;
  }

  /** The map step through the part runner: all parts at once, their calls counted here as made. */
  private async notesElsewhere(parts: readonly string[], runParts: PartRunner): Promise<string[][]> {
    const total = parts.length;
    const calls: PartCall[] = parts.map((part, index) => ({
      messages: this.prompts.part(part, this.title, this.language, index + 1, total),
      scale: this.plan.scale,
      maxContext: this.maxContext,
    }));
    let done = 0;
    this.progress({ stage: 'summarizing', part: 1, parts: total });
    const onDone = () => {
      done += 1;
      if (done < total) this.progress({ stage: 'summarizing', part: done + 1, parts: total });
    };
    const written = await runParts(calls, { signal: this.request.signal, onDone });
    for (const { stats } of written) {
      for (let call = 0; call < stats.modelCalls; call++) this.limits.calls.spend();
      this.stats.modelCalls += stats.modelCalls;
      this.stats.promptTokens += stats.promptTokens;
      this.stats.numCtx = Math.max(this.stats.numCtx, stats.numCtx);
    }
    return written.map((part) => part.notes);
  }

  private likelyFits(needed: number): boolean {
    return (
      Math.ceil((needed - SUMMARY_ANSWER_TOKENS) / LIKELY_OVERESTIMATE) + SUMMARY_ANSWER_TOKENS <=
      this.maxContext
    );
  }

  /** How many parts' notes one merge call can take at most: each part's notes are at most num_predict. */
  private notesPerMerge(): number {
    const budget =
      this.maxContext - this.estimateMessages(this.prompts.merge('', this.title, this.language, false));
    return Math.floor((budget - NOTES_ANSWER_TOKENS) / NOTES_ANSWER_TOKENS);
  }

  /** Reduce: merge the notes into five bullets, condensing groups of notes first while they don't fit. */
  private async merge(notesPerPart: string[][]): Promise<Summary> {
    const final = this.prompts.merge(formatNotes(notesPerPart), this.title, this.language, true);
    if (this.estimateMessages(final) + SUMMARY_ANSWER_TOKENS <= this.maxContext) {
      this.progress({ stage: 'writing' });
      return this.ask(final, SummarySchema, summaryFormat, SUMMARY_ANSWER_TOKENS);
    }
    const budget = this.contentBudget(
      this.prompts.merge('', this.title, this.language, false),
      NOTES_ANSWER_TOKENS,
    );
    const groups = groupToBudget(notesPerPart, budget, (group) => this.estimate(formatNotes(group)));
    if (groups.length >= notesPerPart.length) {
      throw new RecapError(
        'prompt_truncated',
        `The context window (${this.maxContext} tokens) is too small to merge the notes of this document. Raise RECAP_NUM_CTX or use a model with a larger context.`,
      );
    }
    const condensed: string[][] = [];
    for (const [index, group] of groups.entries()) {
      this.progress({ stage: 'merging', part: index + 1, parts: groups.length });
      const messages = this.prompts.merge(formatNotes(group), this.title, this.language, false);
      condensed.push((await this.ask(messages, NotesSchema, notesFormat, NOTES_ANSWER_TOKENS)).notes);
    }
    return this.merge(condensed);
  }

  private contentBudget(emptyPrompt: readonly ChatMessage[], answerTokens: number): number {
    // The instructions appear twice in a prompt but the empty prompt already counts both.
    const budget = this.maxContext - this.estimateMessages(emptyPrompt) - answerTokens;
    if (budget < MIN_PART_TOKENS && this.plan.scale > 1) {
      // Only too small because the server counts far more tokens than we estimated.
      throw new PromptOverflow(this.maxContext - budget, this.maxContext, this.maxContext, false);
    }
    if (budget < MIN_PART_TOKENS) {
      throw new RecapError(
        'config_invalid',
        `A context of ${this.maxContext} tokens is too small to summarize with. Set RECAP_NUM_CTX to 2048 or more, with a model that supports it.`,
      );
    }
    return budget;
  }

  /** One model call, checked for a cut prompt, with one repair attempt for an invalid answer. */
  private async ask<T>(
    messages: readonly ChatMessage[],
    schema: z.ZodType<T>,
    format: object,
    answerTokens: number,
    optimistic = false,
  ): Promise<T> {
    let conversation = messages;
    let problem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      throwIfAborted(this.request.signal);
      const answer = await this.call(conversation, format, answerTokens, optimistic);
      if (answer === undefined) {
        problem = 'the answer stopped unfinished: the model repeated itself';
      } else {
        const parsed = parseModelJson(answer.content, schema);
        if (parsed.ok) return parsed.value;
        problem =
          answer.doneReason === 'length'
            ? `${parsed.problem} (it was cut off at the length limit)`
            : parsed.problem;
      }
      if (attempt === 0) {
        this.progress({ stage: 'retrying', reason: problem });
        const shown = answer?.content ?? '(unfinished)';
        conversation = this.repairConversation(messages, shown, problem, answerTokens);
      }
    }
    throw new RecapError(
      'model_bad_output',
      `The model ${this.model.name} did not give a usable answer, even when asked twice (${problem}). Try again, or use a stronger model with OLLAMA_MODEL.`,
    );
  }

  /**
   * One model call whose prompt was read whole (else PromptOverflow: the plan is redone); undefined
   * when the answer stopped unfinished.
   */
  private async call(
    messages: readonly ChatMessage[],
    format: object,
    answerTokens: number,
    optimistic: boolean,
  ): Promise<ModelChatAnswer | undefined> {
    const estimated = this.estimateMessages(messages);
    const numCtx = Math.min(this.maxContext, roundUp(estimated + answerTokens, CONTEXT_STEP));
    this.limits.calls.spend();
    const answer = await this.model
      .chat({ messages, format, numCtx, numPredict: answerTokens, signal: this.request.signal })
      .catch((error: unknown) => {
        if (error instanceof PromptTooLong)
          throw new PromptOverflow(estimated, undefined, numCtx, optimistic);
        if (error instanceof AnswerCutShort) return undefined;
        throw error;
      });
    this.stats.modelCalls += 1;
    this.stats.numCtx = Math.max(this.stats.numCtx, numCtx);
    if (answer === undefined) return undefined;
    const count = answer.promptEvalCount;
    const room = numCtx - answerTokens;
    const read = { count, estimated, numCtx, room, optimistic };
    this.stats.promptTokens += await promptTokensRead(read, this.model, this.request.signal);
    return answer;
  }

  /** The repair shows the model its own answer when that still fits; otherwise just what was wrong. */
  private repairConversation(
    messages: readonly ChatMessage[],
    badAnswer: string,
    problem: string,
    answerTokens: number,
  ): readonly ChatMessage[] {
    const full = repairMessages(messages, badAnswer, problem);
    if (this.estimateMessages(full) + answerTokens <= this.maxContext) return full;
    return repairMessages(messages, '(answer omitted)', problem);
  }

  private progress(progress: Parameters<ProgressListener>[0]): void {
    this.request.onProgress?.(progress);
  }
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}
