/**
 * A long document as a flow (issue 13): the worker that runs the document keeps its plan and its merge,
 * and adds each part's call as a job of its own to a queue that every worker takes from, each on its own
 * model host; the document's run waits for their notes. Why not BullMQ's parent-child flows: a parent
 * that waits for its children must give up its slot (moveToWaitingChildren) and resume as a new step,
 * which would cut the summarizer (and its plans redone on a prompt that did not fit) into steps; and a
 * plan redone would leave the first plan's children as dependencies the parent could never complete.
 * Here the document's run waits without making a model call, so it holds no model slot (host-slots.ts
 * bounds the calls themselves), and parts are taken by the part workers, which never wait on anything:
 * nothing can deadlock.
 *
 * A part's job id is a hash of its call, so a document run again (its worker died, or handed it back)
 * finds the parts already written. A part fails as a document's run does: what another try may fix is
 * tried again by BullMQ with a backoff; a failure of its host hands it back for another worker; the last
 * failure, or one that retrying cannot fix, becomes the part's answer, and the document's run reports it
 * to the person once, without trying the parts again.
 */
import { createHash } from 'node:crypto';
import { type Job, type JobsOptions, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import { describeCauses, RecapError, type RecapErrorCode, throwIfAborted } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PartCall, PartNotes, PartRunner } from '../core/summarize/part-runner.js';
import { PromptOverflow } from '../core/summarize/plan.js';
import { queueUnreachable } from './admission.js';
import { JOB_OPTIONS, RETRY_DELAY_MS } from './jobs.js';
import { bullConnection } from './redis.js';

/** Named for the format of a part's job and answer: another format goes in another queue. */
export const PARTS_QUEUE = 'recap-parts-v1';

/** A part's job: its call alone (the prompt holds the document's text; no credentials). */
export const PartJobSchema = z.object({
  call: z.object({
    messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
    scale: z.number().positive(),
    maxContext: z.number().int().positive(),
  }),
});
export type PartJob = z.infer<typeof PartJobSchema>;

const count = z.number().int().nonnegative();
/** What a part's job answers: its notes, or why there are none. */
export const PartOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('notes'),
    notes: z.array(z.string()),
    stats: z.object({ modelCalls: count, promptTokens: count, numCtx: count }),
  }),
  z.object({ kind: z.literal('failed'), code: z.string(), userMessage: z.string() }),
  z.object({
    kind: z.literal('overflow'),
    estimated: z.number(),
    reported: z.number().optional(),
    numCtx: z.number(),
    unverified: z.boolean(),
  }),
]);
export type PartOutcome = z.infer<typeof PartOutcomeSchema>;

/** A part that failed for good: tried as often as a document is, so its document is not tried again. */
export class PartFailed extends RecapError {
  override get retryable(): boolean {
    return false;
  }
}

export interface PartsFlow {
  run: PartRunner;
  close(): Promise<void>;
}

export interface PartsFlowOptions {
  redisUrl: string;
  prefix: string;
  /** The model the parts are written with, in their ids (a part of another model is another part). */
  model: string;
  log: Logger;
  /** The first wait before a part's next try (doubled each time); 5 s unless given. */
  retryDelayMs?: number;
}

/** The document's side: adds the parts and waits for their notes (BullMQ's QueueEvents). */
export function createPartsFlow(options: PartsFlowOptions): PartsFlow {
  const { redisUrl, prefix } = options;
  const queue = new Queue<PartJob>(PARTS_QUEUE, { connection: bullConnection(redisUrl, 'producer'), prefix });
  const events = new QueueEvents(PARTS_QUEUE, { connection: bullConnection(redisUrl, 'worker'), prefix });
  // Each part waited for adds a listener to both (Job.waitUntilFinished), removed when it is in: a long
  // document's parts are many, none is left behind.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  // BullMQ's guide: log errors, or a lost connection goes unseen (and "unhandled error" events crash).
  const logError = (error: unknown) => options.log.error(`parts queue: ${describeCauses(error)}`);
  queue.on('error', logError);
  events.on('error', logError);
  const jobOptions: JobsOptions = {
    ...JOB_OPTIONS,
    backoff: { type: 'exponential', delay: options.retryDelayMs ?? RETRY_DELAY_MS },
  };
  return {
    async run(calls, run) {
      throwIfAborted(run.signal);
      const jobs = await queue
        .addBulk(
          calls.map((call) => ({
            name: 'part',
            data: { call },
            opts: { ...jobOptions, jobId: partIdOf(options.model, call) },
          })),
        )
        .catch((error: unknown) => {
          throw queueUnreachable(error);
        });
      const stopped = whenAborted(run.signal);
      try {
        return await Promise.all(
          jobs.map(async (job) => {
            const notes = await notesOf(job, await finished(job, events, stopped.promise, run.signal));
            run.onDone();
            return notes;
          }),
        );
      } finally {
        stopped.dispose();
      }
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

/** A part's id: the same call of the same model is the same part, in any document's run. */
export function partIdOf(model: string, call: PartCall): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([model, call]))
    .digest('hex');
  return `part-${hash}`;
}

/** A promise that rejects when the signal fires (one listener for all of a run's parts). */
function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let stop: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', stop) };
}

/** The part's answer once it has one; the document's run stops waiting when its signal fires. */
async function finished(
  job: Job<PartJob>,
  events: QueueEvents,
  stopped: Promise<never>,
  signal: AbortSignal,
): Promise<unknown> {
  try {
    return await Promise.race([job.waitUntilFinished(events), stopped]);
  } catch (error) {
    throwIfAborted(signal);
    throw new RecapError(
      'model_failed',
      'A part of this long document could not be summarized. Please try again.',
      { cause: error },
    );
  }
}

/** The notes, or the part's failure thrown as the summarizer would have thrown it. */
async function notesOf(job: Job<PartJob>, answer: unknown): Promise<PartNotes> {
  const parsed = PartOutcomeSchema.safeParse(answer);
  const outcome = parsed.success ? parsed.data : undefined;
  if (outcome?.kind === 'notes') return outcome;
  // Not kept for a later run: the next try of the document writes this part again.
  await job.remove().catch(() => undefined);
  if (outcome?.kind === 'overflow') {
    const { estimated, reported, numCtx, unverified } = outcome;
    throw new PromptOverflow(estimated, reported, numCtx, false, unverified);
  }
  if (outcome?.kind === 'failed') {
    // Written by a worker of this queue's version, from a RecapError's own code.
    throw new PartFailed(outcome.code as RecapErrorCode, outcome.userMessage);
  }
  throw new RecapError(
    'model_failed',
    'A part of this long document came back unreadable. Please try again.',
  );
}
