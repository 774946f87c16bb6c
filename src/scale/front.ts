/**
 * The executor of a front: a job is not run here but added to the queue on Redis, for a worker to take.
 * The front still knows each platform's kit, to tell the person when the job cannot be queued, and to
 * show its place in line.
 */
import type { Queue } from 'bullmq';
import type { JobExecutor, PlatformKit } from '../commands/job.js';
import { type ChatJob, originFields, type Platform } from '../commands/request.js';
import { DEFAULT_POLICY, DeliveryPolicy, type PolicyOptions } from '../commands/surface.js';
import { describeCauses, RecapError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { queueUnreachable } from './admission.js';
import { JOB_OPTIONS, jobIdOf, type QueuedJob, RETRY_DELAY_MS } from './jobs.js';

export interface QueueExecutorOptions {
  queue: Queue<QueuedJob>;
  log: Logger;
  /** Jobs that may wait (RECAP_QUEUE_MAX, across every front): one more is refused. */
  maxWaiting: number;
  policy?: PolicyOptions;
  /** Told of each job queued (for the metrics). */
  onQueued?: ((job: ChatJob) => void) | undefined;
  /** The first wait before another try (doubled each time); 5 s unless given. */
  retryDelayMs?: number;
}

export function queueExecutor(options: QueueExecutorOptions): JobExecutor {
  const kits = new Map<Platform, PlatformKit>();
  return {
    attach: (platform, kit) => void kits.set(platform, kit),
    async execute(job) {
      const log = options.log.child(originFields(job.origin));
      const kit = kits.get(job.origin.platform);
      if (!kit) {
        log.error(`no ${job.origin.platform} kit is attached: the job cannot be queued`);
        return;
      }
      const policy = new DeliveryPolicy(log, options.policy ?? DEFAULT_POLICY);
      try {
        const waiting = await options.queue.getWaitingCount();
        if (waiting >= options.maxWaiting) {
          throw new RecapError(
            'queue_full',
            `recap is busy: ${waiting} summaries are already waiting. Please try again in a few minutes.`,
          );
        }
        const jobId = jobIdOf(job.origin);
        const backoff = { type: 'exponential', delay: options.retryDelayMs ?? RETRY_DELAY_MS };
        await options.queue.add('chat', { job }, { ...JOB_OPTIONS, backoff, jobId });
        options.onQueued?.(job);
        log.info(`queued as ${jobId}`, { stage: 'queue', job: jobId });
        // Its place in line, where there is a line (a worker may already have it: then it shows its own).
        if (waiting > 0)
          await policy.try(kit.surface(job).progress({ stage: 'queued', position: waiting + 1 }));
      } catch (caught) {
        const error = caught instanceof RecapError ? caught : queueUnreachable(caught);
        log.warn(`not queued: ${describeCauses(error)}`, { stage: 'queue' });
        const sent = await policy.send('failure notice', kit.surface(job).fail(error));
        if (!sent.ok)
          log.error(`the person could not be told: ${describeCauses(sent.error)}`, { stage: 'fail' });
      }
    },
  };
}
