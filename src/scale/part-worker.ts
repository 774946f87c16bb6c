/**
 * The part workers' side of a long document's flow (parts.ts): a worker takes parts from every
 * document's run, with as many slots as it takes documents, and writes each part's notes on its own
 * model host. A part fails as a document does (see worker.ts): tried again by BullMQ while another try
 * may help, handed back to the queue when this worker's host fails or the worker stops, and otherwise
 * answered with the failure, for the document's run to report.
 */
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { describeCauses, isRecapError, userMessageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { LanguageModel } from '../core/summarize/ollama-model.js';
import { PromptOverflow } from '../core/summarize/plan.js';
import { writePartNotes } from '../core/summarize/summarizer.js';
import { hostFailure, worthRetrying } from './jobs.js';
import { PARTS_QUEUE, PartJobSchema, type PartOutcome } from './parts.js';
import { bullConnection } from './redis.js';

/** A run the worker can stop: `handingBack` when it stopped it to give the job back. */
export interface TrackedRun {
  signal: AbortSignal;
  handingBack(): boolean;
  done(): void;
}

export interface PartWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  lockMs: number;
  model: LanguageModel;
  log: Logger;
  /** A run of this worker's, stopped with BullMQ's signal or when the worker hands its jobs back. */
  track(cancel: AbortSignal | undefined): TrackedRun;
  /** This worker's host failed a call: the worker stops taking jobs until it answers again. */
  hostDown(error: unknown): void;
}

export function startPartWorker(options: PartWorkerOptions): Worker {
  const writePart = async (bull: Job<unknown>, token: string | undefined, cancel?: AbortSignal) => {
    const parsed = PartJobSchema.safeParse(bull.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${bull.id} is not a part of this version`);
    const run = options.track(cancel);
    try {
      const { notes, stats } = await writePartNotes(options.model, parsed.data.call, run.signal);
      return { kind: 'notes', notes, stats } satisfies PartOutcome;
    } catch (error) {
      const hostDown = hostFailure(error);
      if (!(hostDown || run.handingBack() || run.signal.aborted)) return failure(bull, error, options.log);
      if (hostDown) options.hostDown(error);
      await bull.moveToWait(token);
      throw new WaitingError();
    } finally {
      run.done();
    }
  };
  return new Worker<unknown>(PARTS_QUEUE, writePart, {
    connection: bullConnection(options.redisUrl, 'worker'),
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    autorun: false,
  });
}

/** The failure as the part's answer; thrown instead (for BullMQ to try again) while that may help. */
function failure(bull: Job<unknown>, error: unknown, log: Logger): PartOutcome {
  if (error instanceof PromptOverflow) {
    const { estimated, reported, numCtx, unverified } = error;
    return {
      kind: 'overflow',
      estimated,
      ...(reported === undefined ? {} : { reported }),
      numCtx,
      unverified,
    };
  }
  const lastTry = bull.attemptsMade + 1 >= (bull.opts.attempts ?? 1);
  if (!lastTry && worthRetrying(error)) throw error;
  log.warn(`part ${bull.id} failed for good: ${describeCauses(error)}`, { stage: 'summarize' });
  return {
    kind: 'failed',
    code: isRecapError(error) ? error.code : 'model_failed',
    userMessage: userMessageOf(error),
  };
}
