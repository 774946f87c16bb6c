/**
 * Fronts and workers in one test process, on a real Redis: each worker with its own fake Ollama host (as
 * one worker per host in production) and its own core, the front adding jobs as a front does, and a
 * platform kit that records what each person was shown.
 */
import { Queue } from 'bullmq';
import { createRecap } from '../../src/app.js';
import type { PlatformKit } from '../../src/commands/job.js';
import type { RecapReply } from '../../src/commands/recap.js';
import type { ChatJob } from '../../src/commands/request.js';
import type { SummaryReply } from '../../src/commands/summarize.js';
import { loadConfig } from '../../src/config.js';
import { type Conversation, noneLeftOut } from '../../src/core/conversation/conversation.js';
import { userMessageOf } from '../../src/core/errors.js';
import type { Progress } from '../../src/core/types.js';
import { queueExecutor } from '../../src/scale/front.js';
import { probeHost } from '../../src/scale/host-health.js';
import { QUEUE_NAME, type QueuedJob } from '../../src/scale/jobs.js';
import { createPartsFlow, type PartsFlow } from '../../src/scale/parts.js';
import { bullConnection } from '../../src/scale/redis.js';
import { type ChatWorker, startWorker, type WorkerOptions } from '../../src/scale/worker.js';
import { collectingLogger } from '../helpers/logs.js';
import { waitFor } from '../helpers/wait-for.js';

/** What one person saw: progress lines, then answers ("summary: …" or "failed: …"). */
export interface Seen {
  progress: string[];
  answers: string[];
  /** For each run's surface: whether the worker said the job ran before. */
  reruns: boolean[];
}

export class Screens {
  readonly byRequest = new Map<string, Seen>();
  private readonly waiting: { count: number; resolve: () => void }[] = [];
  /** Resolves as soon as `count` requests have an answer (no polling: for timing in the bench). */
  answeredBy(count: number): Promise<void> {
    if (this.answered() >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
  /** Records an answer and wakes whoever waits for that many. */
  answer(requestId: string, text: string): void {
    this.of(requestId).answers.push(text);
    const answered = this.answered();
    for (const entry of [...this.waiting]) {
      if (answered >= entry.count) {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        entry.resolve();
      }
    }
  }
  of(requestId: string): Seen {
    let seen = this.byRequest.get(requestId);
    if (!seen) {
      seen = { progress: [], answers: [], reruns: [] };
      this.byRequest.set(requestId, seen);
    }
    return seen;
  }
  /** Every answer given, by request. */
  answers(): Record<string, string[]> {
    return Object.fromEntries([...this.byRequest].map(([id, seen]) => [id, seen.answers]));
  }
  answered(): number {
    return [...this.byRequest.values()].filter((seen) => seen.answers.length > 0).length;
  }
}

/** A surface that records what the person was shown; `reply` names the answer. */
function recordingSurface<R>(screens: Screens, job: ChatJob, reply: (answer: R) => string) {
  const seen = screens.of(job.origin.requestId);
  const id = job.origin.requestId;
  return {
    progress: (progress: Progress) => ({
      via: 'test',
      send: async () => void seen.progress.push(progress.stage),
    }),
    deliver: (answer: R) => [{ via: 'test', send: async () => screens.answer(id, reply(answer)) }],
    fail: (error: unknown) => [
      { via: 'test', send: async () => screens.answer(id, `failed: ${userMessageOf(error)}`) },
    ],
  };
}

const dana = { id: 'U1', name: 'Dana', bot: false };
/** What every recap in these tests reads: three messages of one morning. */
const CONVERSATION: Conversation = {
  place: '#launch',
  messages: ['We ship on Friday after QA', 'I will write the release notes', 'Venue booked'].map(
    (text, i) => ({
      id: `m${i}`,
      author: dana,
      at: Date.parse('2026-11-30T09:00:00Z') + i * 60_000,
      text,
      files: [],
    }),
  ),
  leftOut: noneLeftOut(),
};

/**
 * A kit whose surfaces record instead of posting: the job is any ChatJob (a summary or a conversation
 * recap); the platform is not the point. Each surface built notes whether the run was a rerun.
 */
export function recordingKit(screens: Screens): PlatformKit {
  const built = (job: ChatJob, run?: { rerun: boolean }) =>
    void screens.of(job.origin.requestId).reruns.push(run?.rerun ?? false);
  return {
    surface: (job, run) => {
      built(job, run);
      return recordingSurface<SummaryReply>(screens, job, (reply) => `summary: ${reply.bullets[0]}`);
    },
    file: () => {
      throw new Error('no files in these tests');
    },
    recaps: {
      surface: (job, run) => {
        built(job, run);
        return recordingSurface<RecapReply>(screens, job, (reply) => `recap: ${reply.bullets[0]?.text}`);
      },
      reader: () => ({
        read: async () => CONVERSATION,
        links: async (messages) => new Map(messages.map((m) => [m.id, `https://chat.example/${m.id}`])),
        nameOf: async () => dana.name,
      }),
    },
  };
}

/** A private recap of the last day, as a Slack /recap would queue it. */
export function recapJob(requestId: string): ChatJob {
  return {
    ...textJob(requestId, ''),
    command: {
      kind: 'recap',
      conversation: { channel: 'C1' },
      scope: { kind: 'window', ms: 86_400_000 },
      public: false,
    },
  };
}

export function textJob(requestId: string, text: string): ChatJob {
  return {
    version: 1,
    origin: { requestId, platform: 'slack', guild: 'T1', channel: 'C1', user: 'U1', receivedAt: Date.now() },
    command: { kind: 'summarize', ask: { kind: 'text', text } },
    target: {},
  };
}

const SLOTS = 2;

export interface Cluster {
  front: { execute(job: ChatJob): Promise<void> };
  queue: Queue<QueuedJob>;
  lines: string[];
  /**
   * A worker on `host`; with `takeParts`, it also writes long documents' parts and sends its own to
   * every worker, as `recap start` does. `env` adds settings (RECAP_NUM_CTX for documents of parts).
   */
  addWorker(host: string, overrides?: Partial<WorkerOptions>, env?: Record<string, string>): ChatWorker;
  close(): Promise<void>;
}

export function cluster(redisUrl: string, prefix: string, screens: Screens): Cluster {
  const lines: string[] = [];
  const log = collectingLogger(lines);
  const queue = new Queue<QueuedJob>(QUEUE_NAME, {
    connection: bullConnection(redisUrl, 'producer'),
    prefix,
  });
  const executor = queueExecutor({ queue, log, maxWaiting: 100, retryDelayMs: 10 });
  executor.attach('slack', recordingKit(screens));
  const workers: ChatWorker[] = [];
  const flows: PartsFlow[] = [];
  return {
    front: { execute: (job) => executor.execute(job, new AbortController().signal) },
    queue,
    lines,
    addWorker(host, overrides = {}, env = {}) {
      // One number for BullMQ's slots and the core's queue, as main.ts gives both RECAP_QUEUE_CONCURRENCY.
      const slots = overrides.concurrency ?? SLOTS;
      const config = loadConfig({ OLLAMA_HOST: host, RECAP_QUEUE_CONCURRENCY: String(slots), ...env });
      const flow = overrides.takeParts
        ? createPartsFlow({ redisUrl, prefix, model: config.ollama.model, log, retryDelayMs: 10 })
        : undefined;
      if (flow) flows.push(flow);
      const shared = flow ? { runParts: flow.run, modelSlots: slots } : {};
      const worker = startWorker({
        recap: createRecap(config, {}, shared),
        log,
        redisUrl,
        prefix,
        concurrency: slots,
        lockMs: 5000,
        probe: () => probeHost(config.ollama.host, config.ollama.model),
        probeIntervalMs: 100,
        progressIntervalMs: 0,
        policy: { attempts: 2, backoffMs: 1, maxWaitMs: 10 },
        ...overrides,
      });
      worker.attach('slack', recordingKit(screens));
      worker.start();
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop(0)));
      await Promise.all(flows.map((flow) => flow.close()));
      await queue.close();
    },
  };
}

/** Waits until `check()` holds; fails at the wait's limit naming what it waited for (waitFor). */
export async function until(check: () => boolean | Promise<boolean>, what?: string): Promise<void> {
  await waitFor(check, what);
}
