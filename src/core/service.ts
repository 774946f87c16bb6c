import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { onAbort } from './abort-listener.js';
import { cancelledError, throwIfAborted } from './errors.js';
import type { JobQueue } from './queue.js';
import { renderSegment } from './summarize/chunking.js';
import { DOCUMENT_PROMPTS, type PromptSet } from './summarize/prompt.js';
import type { Summarizer } from './summarize/summarizer.js';
import type { Document, Progress, ProgressListener, SummarizeOptions, SummaryResult } from './types.js';

export interface RecapServiceOptions {
  summarizer: Summarizer;
  /** The model's name, part of the cache key and of every result. */
  model: string;
  queue: JobQueue;
  /** The most bytes of summaries kept in memory (when no other cache is given). */
  cacheBytes: number;
  /** Where finished summaries are kept: in memory (an LRU of `cacheBytes`) unless given. */
  cache?: SummaryCache | undefined;
  /** Several processes (issue 13): one run per key among them all. None: this process is alone. */
  locks?: RunLocks | undefined;
}

/**
 * Finished summaries by key: in memory for one process, or on a Redis every worker shares. A cache that
 * cannot answer says "not here" (undefined), it does not fail a summary.
 */
export interface SummaryCache {
  get(key: string): SummaryResult | undefined | Promise<SummaryResult | undefined>;
  set(key: string, value: SummaryResult): void | Promise<void>;
}

/** A run's lock among processes, held while its summary is made (it expires if the process dies). */
export interface RunLease {
  release(): Promise<void>;
}

/** One run per key among processes: the others wait for the lock to go, then read the cache. */
export interface RunLocks {
  /** The key's lock, or undefined when another process holds it. */
  acquire(key: string): Promise<RunLease | undefined>;
  /** Resolves when the key's lock is gone (released, or expired with its process). */
  released(key: string, signal: AbortSignal): Promise<void>;
}

/** The cache of one process: an LRU bounded in bytes. */
export function memoryCache(bytes: number): SummaryCache & { readonly size: number } {
  const lru = new LRUCache<string, SummaryResult>({
    maxSize: Math.max(1, bytes),
    sizeCalculation: (value) => Math.max(1, Buffer.byteLength(JSON.stringify(value))),
  });
  return {
    get: (key) => lru.get(key),
    set: (key, value) => void lru.set(key, value),
    get size() {
      return lru.size;
    },
  };
}

interface SharedRun {
  promise: Promise<SummaryResult>;
  controller: AbortController;
  listeners: Set<ProgressListener>;
  readonly lastProgress: Progress | undefined;
  /** Callers still waiting for this run; when the last one leaves, the run is cancelled. */
  followers: number;
}

/**
 * The summarizer as every platform uses it: behind a bounded queue, with a cache of finished summaries
 * and one shared run for identical requests in flight. One caller cancelling never cancels another's.
 */
export class RecapService {
  private readonly cache: SummaryCache & { readonly size?: number };
  private readonly inFlight = new Map<string, SharedRun>();

  constructor(private readonly options: RecapServiceOptions) {
    this.cache = options.cache ?? memoryCache(options.cacheBytes);
  }

  get model(): string {
    return this.options.model;
  }

  /** Summaries kept in this process's cache now (0 for a cache kept elsewhere). */
  get cachedCount(): number {
    return this.cache.size ?? 0;
  }

  async summarize(document: Document, options: SummarizeOptions): Promise<SummaryResult> {
    if (options.signal.aborted) throw cancelledError(options.signal.reason);
    const prompts = options.prompts ?? DOCUMENT_PROMPTS;
    if (options.cacheable === false) {
      // Its own run, under a key nothing else has: never cached, never shared.
      return this.follow(this.startRun(randomUUID(), document, options.language, prompts, false), options);
    }
    const key = this.cacheKey(document, options.language, prompts);
    const found = this.cache.get(key);
    // The cache in memory answers at once: no await, so one process behaves exactly as it did.
    const cached = found instanceof Promise ? await found : found;
    if (cached) return { ...cached, cached: true };
    const running = this.inFlight.get(key);
    // A run whose last follower left is being cancelled: a new request starts its own.
    const shared =
      running && !running.controller.signal.aborted
        ? running
        : this.startRun(key, document, options.language, prompts, true);
    return this.follow(shared, options);
  }

  /**
   * The content's hash, fed line by line: building the text as the model reads it here would be one
   * more whole copy of the document per request (the summarizer builds the one it needs).
   */
  private cacheKey(document: Document, language: string | undefined, prompts: PromptSet): string {
    const hash = createHash('sha256').update(
      JSON.stringify([prompts.version, this.options.model, language ?? '', document.title ?? '']),
    );
    if (document.segments && document.segments.length > 0) {
      for (const segment of document.segments) hash.update(renderSegment(segment)).update('\n');
    } else {
      hash.update(document.text.trim());
    }
    return hash.digest('hex');
  }

  private startRun(
    key: string,
    document: Document,
    language: string | undefined,
    prompts: PromptSet,
    cacheable: boolean,
  ): SharedRun {
    const controller = new AbortController();
    const listeners = new Set<ProgressListener>();
    let lastProgress: Progress | undefined;
    const broadcast = (progress: Progress) => {
      lastProgress = progress;
      for (const listener of listeners) listener(progress);
    };
    const run = async (): Promise<SummaryResult> => {
      const { summary, stats } = await this.options.summarizer.summarize(document, {
        signal: controller.signal,
        language,
        onProgress: broadcast,
        prompts,
        // What is never cached (a conversation) is never handed to another process either.
        keepsNothing: !cacheable,
      });
      const result: SummaryResult = {
        ...(document.title === undefined ? {} : { title: document.title }),
        bullets: summary.bullets,
        model: this.options.model,
        stats,
        cached: false,
      };
      // Stored before the lock goes, so a process waiting on it finds the summary.
      if (cacheable) await this.cache.set(key, result);
      return result;
    };
    const work = () => (cacheable ? this.runOnce(key, run, controller.signal) : run());
    const promise = this.options.queue
      .run(work, controller.signal, (position) => broadcast({ stage: 'queued', position }))
      .finally(() => {
        if (this.inFlight.get(key) === shared) this.inFlight.delete(key);
      });
    // Followers handle the outcome; this keeps a run nobody follows any more from being unhandled.
    promise.catch(() => undefined);
    const shared: SharedRun = {
      promise,
      controller,
      listeners,
      get lastProgress() {
        return lastProgress;
      },
      followers: 0,
    };
    this.inFlight.set(key, shared);
    return shared;
  }

  /**
   * Runs the summarizer, unless another process is making the same summary: then waits for its lock to
   * go and reads the summary it stored. If that run failed (nothing stored), this one tries in its place.
   */
  private async runOnce(
    key: string,
    run: () => Promise<SummaryResult>,
    signal: AbortSignal,
  ): Promise<SummaryResult> {
    const locks = this.options.locks;
    if (!locks) return run();
    for (;;) {
      throwIfAborted(signal);
      const lease = await locks.acquire(key);
      if (lease) {
        try {
          return await run();
        } finally {
          await lease.release();
        }
      }
      await locks.released(key, signal);
      const done = await this.cache.get(key);
      if (done) return { ...done, cached: true };
    }
  }

  /** Joins a run: progress from now on (and the latest so far), and a way out that leaves it running. */
  private follow(shared: SharedRun, options: SummarizeOptions): Promise<SummaryResult> {
    const { signal, onProgress } = options;
    if (onProgress) {
      shared.listeners.add(onProgress);
      if (shared.lastProgress) onProgress(shared.lastProgress);
    }
    shared.followers += 1;
    return new Promise<SummaryResult>((resolve, reject) => {
      let stopListening: () => void = () => undefined;
      const leave = () => {
        if (onProgress) shared.listeners.delete(onProgress);
        stopListening();
      };
      stopListening = onAbort(signal, () => {
        leave();
        shared.followers -= 1;
        if (shared.followers === 0) shared.controller.abort(signal.reason);
        reject(cancelledError(signal.reason));
      });
      shared.promise.then(
        (result) => {
          leave();
          resolve(result);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }
}
