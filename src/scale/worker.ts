/**
 * A worker: takes chat jobs from the queue on Redis, `concurrency` at a time (its Ollama host's parallel
 * slots), and runs each as one process would (`runJob`). BullMQ pulls a job only when a slot is free, so
 * no balancer sits in front of the hosts. What this adds to a run:
 * - a failure another try may fix (the model timed out, a link failed) goes back to BullMQ, which tries
 *   again after a backoff; the person is told only on the last try, or for what retrying cannot fix;
 * - a host that does not answer (or lacks the model) pauses this worker, not the job: the job goes back
 *   to the queue at once for another worker, and this one resumes when its host answers again;
 * - on stop, the jobs under way may finish within the grace period; the others go back to the queue
 *   (BullMQ's "manual retrying": moveToWait, then WaitingError) for another worker, and nobody is told.
 * A worker killed outright leaves its jobs to BullMQ's stalled-job check: another worker runs them again.
 */
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { type JobDeps, type PlatformKit, type RunOptions, runJob } from '../commands/job.js';
import { type ChatJob, originFields, type Platform } from '../commands/request.js';
import { describeCauses, isRecapError, userMessageOf } from '../core/errors.js';
import type { Progress } from '../core/types.js';
import type { HostState } from './host-health.js';
import { hostFailure, QUEUE_NAME, QueuedJobSchema, worthRetrying } from './jobs.js';
import { startPartWorker, type TrackedRun } from './part-worker.js';
import { bullConnection } from './redis.js';

export interface WorkerOptions extends JobDeps {
  redisUrl: string;
  prefix: string;
  /** Jobs at once: the host's parallel slots (RECAP_QUEUE_CONCURRENCY, as OLLAMA_NUM_PARALLEL). */
  concurrency: number;
  /** BullMQ's lockDuration: a job whose worker stopped renewing it is taken again after about this long. */
  lockMs?: number;
  /** Whether the host can take jobs now; asked every `probeIntervalMs`, and after a job finds it down. */
  probe(): Promise<HostState>;
  probeIntervalMs?: number;
  /** Told what happens, for the metrics. */
  events?: WorkerEvents;
  /**
   * Also writes the parts of long documents (parts.ts), with as many slots again: the recap's model
   * must then keep the host's slots itself (SharedState.modelSlots).
   */
  takeParts?: boolean;
}

export interface WorkerEvents {
  started?(job: ChatJob, waitedMs: number): void;
  /** Time spent reading the source, summarizing, delivering, and in all. */
  stage?(stage: 'read' | 'summarize' | 'deliver' | 'total', ms: number): void;
  finished?(job: ChatJob, outcome: 'delivered' | 'reported' | 'retry' | 'handed-back', error?: unknown): void;
  hostChanged?(state: HostState): void;
}

export interface ChatWorker {
  attach(platform: Platform, kit: PlatformKit): void;
  start(): void;
  /** The host answers and has the model, as last seen. */
  readonly host: HostState;
  /** Asks the host now (for /readyz), pausing or resuming this worker on the answer. */
  check(): Promise<HostState>;
  /** Whether the connection to Redis is up (for /readyz). */
  redisReady(): boolean;
  /** Stops taking jobs; lets those under way run for `graceMs`, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
}

/** Why a job's run was stopped: the worker is handing it back. */
const HANDED_BACK = new Error('this worker is stopping; the job goes back to the queue');

export function startWorker(options: WorkerOptions): ChatWorker {
  const kits = new Map<Platform, PlatformKit>();
  const running = new Set<AbortController>();
  const log = options.log.child({ role: 'worker' });
  let host: HostState = { ready: false, reason: 'not checked yet' };
  let probing: NodeJS.Timeout | undefined;
  let stopping = false;
  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker<unknown>(QUEUE_NAME, (job, token, signal) => processJob(job, token, signal), {
    connection: bullConnection(options.redisUrl, 'worker'),
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    autorun: false,
  });
  const parts = options.takeParts
    ? startPartWorker({ ...options, lockMs, model: options.recap.model, log, track, hostDown })
    : undefined;
  const workers = parts ? [worker, parts] : [worker];
  // BullMQ's guide: log errors, or a lost connection goes unseen (and "unhandled error" events crash).
  for (const each of workers) each.on('error', (error) => log.error(`queue: ${describeCauses(error)}`));

  function track(cancel: AbortSignal | undefined): TrackedRun {
    const controller = new AbortController();
    const stopRun = () => controller.abort(cancel?.reason);
    cancel?.addEventListener('abort', stopRun, { once: true });
    running.add(controller);
    return {
      signal: controller.signal,
      handingBack: () => controller.signal.reason === HANDED_BACK,
      done() {
        running.delete(controller);
        cancel?.removeEventListener('abort', stopRun);
      },
    };
  }

  async function processJob(bull: Job<unknown>, token: string | undefined, cancel?: AbortSignal) {
    const parsed = QueuedJobSchema.safeParse(bull.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${bull.id} is not a chat job of this version`);
    const job = parsed.data.job;
    // Every line of the run names the job and the request, as the front's lines do.
    const jobLog = log.child({ job: bull.id });
    const kit = kits.get(job.origin.platform);
    if (!kit) throw new UnrecoverableError(`this worker cannot answer on ${job.origin.platform}`);
    options.events?.started?.(job, Math.max(0, (bull.processedOn ?? Date.now()) - bull.timestamp));
    const run = track(cancel);
    let handBack = false;
    const lastTry = bull.attemptsMade + 1 >= (bull.opts.attempts ?? 1);
    const keep: RunOptions['keep'] = (error) => {
      if (run.handingBack()) {
        handBack = true;
        return {};
      }
      if (hostFailure(error)) {
        handBack = true;
        hostDown(error);
        return {
          show: { stage: 'retrying', reason: 'its model server did not answer; another one will take it' },
        };
      }
      return !lastTry && worthRetrying(error)
        ? { show: { stage: 'retrying', reason: userMessageOf(error) } }
        : undefined;
    };
    const timer = stageTimer(options.events);
    const record = progressRecorder(bull);
    try {
      const outcome = await runJob(job, kit, { ...options, log: jobLog }, run.signal, {
        keep,
        onProgress: (progress) => {
          timer.progress(progress);
          record(progress);
        },
        onDelivering: () => timer.delivering(),
        // Started before: by a worker that died, or a try that failed (BullMQ counts each start).
        rerun: bull.attemptsStarted > 1,
      });
      timer.end();
      if (outcome.kind === 'delivered') {
        options.events?.finished?.(job, 'delivered');
        return { via: outcome.via };
      }
      if (outcome.kind === 'reported') {
        options.events?.finished?.(job, 'reported', outcome.error);
        // Failed for good: told already, so no retry (BullMQ's "Stop retrying jobs").
        throw new UnrecoverableError(isRecapError(outcome.error) ? outcome.error.code : 'failed');
      }
      options.events?.finished?.(job, handBack ? 'handed-back' : 'retry', outcome.error);
      if (!handBack) throw outcome.error;
      jobLog.info('handed back to the queue', { ...originFields(job.origin), stage: 'retry' });
      await bull.moveToWait(token);
      throw new WaitingError();
    } finally {
      run.done();
    }
  }

  function hostDown(error: unknown): void {
    if (!host.ready) return;
    setHost({ ready: false, reason: userMessageOf(error) });
  }

  function setHost(state: HostState): void {
    const changed = state.ready !== host.ready;
    host = state;
    if (!changed || stopping) return;
    options.events?.hostChanged?.(state);
    if (state.ready) {
      log.info('the model host answers: taking jobs');
      for (const each of workers) each.resume();
    } else {
      log.warn(`not taking jobs: ${state.reason}`);
      for (const each of workers) void each.pause(true);
    }
  }

  async function probeLoop(): Promise<void> {
    setHost(await options.probe());
    if (!stopping) probing = setTimeout(() => void probeLoop(), options.probeIntervalMs ?? 10_000);
  }

  return {
    attach: (platform, kit) => void kits.set(platform, kit),
    get host() {
      return host;
    },
    async check() {
      setHost(await options.probe());
      return host;
    },
    redisReady: () => worker.isRunning() || worker.isPaused(),
    start() {
      // Paused until the host has answered once: a worker whose host is down takes nothing.
      for (const each of workers) {
        void each.pause(true);
        void each.run().catch((error: unknown) => log.error(`queue: ${describeCauses(error)}`));
      }
      void probeLoop();
    },
    async stop(graceMs) {
      stopping = true;
      clearTimeout(probing);
      const closing = Promise.all(workers.map((each) => each.close()));
      const handOver = setTimeout(() => {
        for (const controller of running) controller.abort(HANDED_BACK);
      }, graceMs);
      try {
        await closing;
      } finally {
        clearTimeout(handOver);
      }
    },
  };
}

/** Times a run's stages from its progress: reading until the model starts, then until delivery. */
function stageTimer(events: WorkerEvents | undefined) {
  const started = performance.now();
  let mark = started;
  let stage: 'read' | 'summarize' | 'deliver' = 'read';
  const next = (to: typeof stage) => {
    const now = performance.now();
    events?.stage?.(stage, now - mark);
    mark = now;
    stage = to;
  };
  return {
    progress(progress: Progress) {
      if (stage === 'read' && progress.stage !== 'reading') next('summarize');
    },
    delivering() {
      if (stage === 'read') next('summarize');
      next('deliver');
    },
    end() {
      next(stage);
      events?.stage?.('total', performance.now() - started);
    },
  };
}

/** Records each new stage on the BullMQ job (its progress events), without waiting on Redis. */
function progressRecorder(bull: Job<unknown>): (progress: Progress) => void {
  let last = '';
  return (progress) => {
    const key = JSON.stringify(progress);
    if (key === last) return;
    last = key;
    bull.updateProgress(progress).catch(() => undefined);
  };
}
