/**
 * The chat jobs on BullMQ: one queue per version of the job's format (a deploy that changes the format
 * starts a new queue, which old workers never read), job ids made from the platform's own request id (so
 * Slack's retries and a deploy's overlap collapse into one job), and the attempts a job gets.
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { ChatJobSchema, type Origin } from '../commands/request.js';
import { isRecapError } from '../core/errors.js';

/** Named for `ChatJob.version`: a job of another format goes in another queue. */
export const QUEUE_NAME = 'chat-v1';

/** What a BullMQ job carries: the ChatJob alone (plain JSON, no credentials: see the README). */
export const QueuedJobSchema = z.object({ job: ChatJobSchema });
export type QueuedJob = z.infer<typeof QueuedJobSchema>;

/**
 * The platform's id for the request, as a BullMQ job id: adding a job whose id exists adds nothing
 * ("Job Ids", BullMQ guide). BullMQ refuses ids with ':' or made of digits only (Job#validateOptions).
 */
export function jobIdOf(origin: Origin): string {
  return `${origin.platform}-${origin.requestId.replaceAll(':', '_')}`;
}

/** Tries in all; a failure that another try cannot fix is not tried again (see `worthRetrying`). */
export const ATTEMPTS = 3;

/** The first wait before another try; doubled for the next. */
export const RETRY_DELAY_MS = 5_000;

export const JOB_OPTIONS: JobsOptions = {
  attempts: ATTEMPTS,
  backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
  // Kept an hour (ids still collapse a late retry), then removed; failures kept longer, for a look.
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** A failure worth another try later: the model, a link or Redis may be back. Nothing else is. */
export function worthRetrying(error: unknown): boolean {
  return isRecapError(error) && error.retryable && error.code !== 'cancelled';
}

/** A failure of this worker's model host, not of the job: the job goes to another worker at once. */
export function hostFailure(error: unknown): boolean {
  return isRecapError(error) && (error.code === 'model_unreachable' || error.code === 'model_missing');
}
