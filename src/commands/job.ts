/**
 * Running a job: the second half of a chat request, after it was accepted. It needs no gateway: the
 * platform's kit rebuilds the surface from the job's plain target and reads shared files by its rules.
 */
import type { Recap } from '../app.js';
import type { RecapLimits } from '../core/conversation/scope.js';
import { describeCauses, RecapError, userMessageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Input, Progress } from '../core/types.js';
import { Backlog } from './backlog.js';
import { describeProgress } from './progress-text.js';
import { ProgressThrottle } from './progress-throttle.js';
import { type RecapKit, type RecapReply, runRecap } from './recap.js';
import { type Ask, type ChatJob, originFields, type Platform, type SharedFile } from './request.js';
import { runSummarize, type SummaryReply } from './summarize.js';
import { DEFAULT_POLICY, DeliveryPolicy, type PolicyOptions, type ReplySurface } from './surface.js';

/** What a platform brings to running its jobs. */
export interface PlatformKit {
  /**
   * Where the job answers, rebuilt from its target (the platform parses the target with its schema).
   * `rerun`: the job ran before and may have answered already (its worker died): answer where that answer
   * is, rather than beside it.
   */
  surface(job: ChatJob, run?: { rerun: boolean }): ReplySurface;
  /** A shared file as the core reads it: downloaded with the platform's credentials only where they belong. */
  file(file: SharedFile): Input;
  /** What a referenced message holds (a Slack thread's parent), as an Ask of its own. */
  message?(channel: string, id: string, signal: AbortSignal): Promise<Ask>;
  /** Conversation recaps: where they answer, and how the platform reads history. */
  recaps?: RecapKit;
}

/** Runs accepted jobs: here, in this process; tomorrow, a queue that workers take them from. */
export interface JobExecutor {
  /** Makes a platform's jobs runnable: how to answer and read for it. */
  attach(platform: Platform, kit: PlatformKit): void;
  /** Runs the job to its end (or hands it on); never rejects. */
  execute(job: ChatJob, signal: AbortSignal): Promise<void>;
}

export interface JobDeps {
  recap: Recap;
  log: Logger;
  progressIntervalMs?: number | undefined;
  policy?: PolicyOptions | undefined;
  /** Where every call to a platform waits its turn (shared with the runtime, which yields it to acknowledgements). */
  backlog?: Backlog | undefined;
  /** How much one conversation recap reads (RECAP_MAX_MESSAGES, RECAP_MAX_WINDOW). */
  recapLimits?: RecapLimits | undefined;
}

export const DEFAULT_RECAP_LIMITS: RecapLimits = { maxMessages: 1000, maxWindowMs: 7 * 86_400_000 };

/** The executor of a single process: each job runs here, through the core's queue. */
export function localExecutor(
  deps: JobDeps & { onFinished?: ((outcome: JobOutcome) => void) | undefined },
): JobExecutor {
  const kits = new Map<Platform, PlatformKit>();
  // Every answer, progress update and notice takes its turn behind incoming requests.
  const calls = deps.backlog ?? new Backlog(16);
  const policy: PolicyOptions = { ...(deps.policy ?? DEFAULT_POLICY), schedule: (call) => calls.run(call) };
  return {
    attach: (platform, kit) => void kits.set(platform, kit),
    async execute(job, signal) {
      const kit = kits.get(job.origin.platform);
      if (!kit) {
        deps.log.error(`no ${job.origin.platform} kit is attached: the job cannot run`, {
          ...originFields(job.origin),
          stage: 'accept',
        });
        return;
      }
      // A job starts (reads, hashes, queues) only when its turn in the backlog comes, behind pending acknowledgements.
      await calls.run(async () => undefined);
      const outcome = await runJob(job, kit, { ...deps, policy }, signal);
      deps.onFinished?.(outcome);
    },
  };
}

/** How a run of a job ended: answered, told what went wrong, or left for another attempt (`keep`). */
export type JobOutcome =
  | { kind: 'delivered'; via: string }
  | { kind: 'reported'; error: unknown }
  | { kind: 'kept'; error: unknown };

/** What a queue adds to a run: a failure it keeps for another attempt, and progress it records too. */
export interface RunOptions {
  /**
   * Asked for each failure before the person is told: a value keeps it (no notice; the job will run again,
   * here or in another worker), showing `show` first when given. Undefined: the person is told now.
   */
  keep?: ((error: unknown) => { show?: Progress } | undefined) | undefined;
  /** Every progress step, as it happens (the throttle decides what the person sees). */
  onProgress?: ((progress: Progress) => void) | undefined;
  /** The summary is made; delivering it starts now (for timing the stages). */
  onDelivering?: (() => void) | undefined;
  /** The job ran before (a queue's retry, or its worker died): its answer may be out already. */
  rerun?: boolean | undefined;
}

/**
 * Runs one job from start to end: progress on the surface, then the answer or a message saying what went
 * wrong, each through the fallback policy. It never throws: one failure stays with the person who asked.
 */
export async function runJob(
  job: ChatJob,
  kit: PlatformKit,
  deps: JobDeps,
  signal: AbortSignal,
  options: RunOptions = {},
): Promise<JobOutcome> {
  const run: Run = { log: deps.log.child(originFields(job.origin)), deps, signal, options };
  const rerun = { rerun: options.rerun ?? false };
  const { command } = job;
  if (command.kind === 'summarize') {
    const work: Work<SummaryReply> = async (onProgress) => {
      onProgress({ stage: 'reading' });
      const input = await inputOf(command.ask, kit, signal);
      return runSummarize({ input, language: command.language }, deps.recap, { signal, onProgress });
    };
    return answer({ what: 'summary', done: 'summarized' }, () => kit.surface(job, rerun), work, run);
  }
  const recaps = kit.recaps;
  const work: Work<RecapReply> = (onProgress) => {
    if (!recaps) throw new RecapError('unsupported_input', 'Recaps are not available here.');
    const limits = deps.recapLimits ?? DEFAULT_RECAP_LIMITS;
    return runRecap(command, recaps.reader(job), deps.recap, {
      signal,
      onProgress,
      limits,
      origin: job.origin,
    });
  };
  const surface = () => {
    if (!recaps) throw new Error(`no recap surface for ${job.origin.platform}`);
    return recaps.surface(job, rerun);
  };
  return answer({ what: 'recap', done: 'recapped' }, surface, work, run);
}

type Work<R> = (onProgress: (progress: Progress) => void) => Promise<R>;

/** One run of a job: its log, what it uses, its signal and what the queue adds. */
interface Run {
  log: Logger;
  deps: JobDeps;
  signal: AbortSignal;
  options: RunOptions;
}

/** What every answer reports in the log. */
interface Answered {
  model: string;
  stats: { chunks: number; ms: number };
  cached: boolean;
}

async function answer<R extends Answered>(
  words: { what: string; done: string },
  surfaceOf: () => ReplySurface<R>,
  work: Work<R>,
  run: Run,
): Promise<JobOutcome> {
  const { log, deps, options } = run;
  let surface: ReplySurface<R>;
  try {
    surface = surfaceOf();
  } catch (error) {
    log.error(`the job's reply target is unusable: ${describeCauses(error)}`, { stage: 'send' });
    return { kind: 'reported', error };
  }
  const { policy, throttle, report } = showing(surface, deps, log);
  try {
    const reply = await work((progress) => {
      options.onProgress?.(progress);
      throttle.show(progress);
    });
    await throttle.close();
    options.onDelivering?.();
    const sent = await policy.send(words.what, surface.deliver(reply));
    if (!sent.ok) {
      const problem = `The ${words.what} is ready but could not be posted: ${userMessageOf(sent.error)}`;
      return report(new RecapError('surface_rejected', problem, { cause: sent.error }));
    }
    const { model, stats, cached } = reply;
    log.info(`${words.done} (${model}, ${stats.chunks} parts, ${stats.ms} ms${cached ? ', cached' : ''})`, {
      stage: 'deliver',
      via: sent.via,
    });
    return { kind: 'delivered', via: sent.via };
  } catch (caught) {
    await throttle.close();
    return failed(words.what, caught, run, { policy, surface, report });
  }
}

/** A run that failed: kept for another attempt (the queue's say), or told to the person. */
async function failed<R>(
  what: string,
  caught: unknown,
  { log, signal, options }: Run,
  {
    policy,
    surface,
    report,
  }: Pick<ReturnType<typeof showing<R>>, 'policy' | 'report'> & {
    surface: ReplySurface<R>;
  },
): Promise<JobOutcome> {
  const kept = options.keep?.(caught);
  if (kept) {
    log.info(`to be tried again: ${describeCauses(caught)}`, { stage: 'retry' });
    if (kept.show) await policy.try(surface.progress(kept.show));
    return { kind: 'kept', error: caught };
  }
  // The bot is stopping (a deploy, a restart): say so, rather than a bare "cancelled".
  const error = signal.aborted
    ? new RecapError(
        'cancelled',
        `recap is restarting, so this ${what} was stopped. Please ask again in a minute.`,
        { cause: caught },
      )
    : caught;
  log.warn(`failed: ${describeCauses(error)}`, { stage: 'fail' });
  return report(error);
}

/** One job's fallback policy, its throttled progress, and how a failure reaches the person. */
function showing<R>(surface: ReplySurface<R>, deps: JobDeps, log: Logger) {
  const policy = new DeliveryPolicy(log, deps.policy ?? DEFAULT_POLICY);
  const throttle = new ProgressThrottle<Progress>(
    (progress) => policy.try(surface.progress(progress)),
    () => undefined,
    describeProgress,
    deps.progressIntervalMs,
  );
  const report = async (error: unknown): Promise<JobOutcome> => {
    const sent = await policy.send('failure notice', surface.fail(error));
    if (!sent.ok) log.error(`the person could not be told: ${describeCauses(sent.error)}`, { stage: 'fail' });
    return { kind: 'reported', error };
  };
  return { policy, throttle, report };
}

/** Turns what was asked into the core's Input; files and referenced messages go through the platform. */
export async function inputOf(ask: Ask, kit: PlatformKit, signal: AbortSignal, depth = 0): Promise<Input> {
  switch (ask.kind) {
    case 'text':
      return { kind: 'text', text: ask.text };
    case 'url':
      return { kind: 'url', url: new URL(ask.url) };
    case 'file':
      return kit.file(ask.file);
    case 'message': {
      if (!kit.message || depth > 0)
        throw new RecapError('unsupported_input', 'That message has nothing I can summarize.');
      return inputOf(await kit.message(ask.channel, ask.id, signal), kit, signal, depth + 1);
    }
  }
}
