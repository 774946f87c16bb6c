import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { onAbort } from './abort-listener.js';
import { cancelledError } from './errors.js';
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
  /** The most bytes of summaries kept in memory. */
  cacheBytes: number;
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
  private readonly cache: LRUCache<string, SummaryResult>;
  private readonly inFlight = new Map<string, SharedRun>();

  constructor(private readonly options: RecapServiceOptions) {
    this.cache = new LRUCache<string, SummaryResult>({
      maxSize: Math.max(1, options.cacheBytes),
      sizeCalculation: (value) => Math.max(1, Buffer.byteLength(JSON.stringify(value))),
    });
  }

  get model(): string {
    return this.options.model;
  }

  /** Summaries kept in the cache now. */
  get cachedCount(): number {
    return this.cache.size;
  }

  async summarize(document: Document, options: SummarizeOptions): Promise<SummaryResult> {
    if (options.signal.aborted) throw cancelledError(options.signal.reason);
    const prompts = options.prompts ?? DOCUMENT_PROMPTS;
    if (options.cacheable === false) {
      // Its own run, under a key nothing else has: never cached, never shared.
      return this.follow(this.startRun(randomUUID(), document, options.language, prompts, false), options);
    }
    const key = this.cacheKey(document, options.language, prompts);
    const cached = this.cache.get(key);
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
    const work = async (): Promise<SummaryResult> => {
      const { summary, stats } = await this.options.summarizer.summarize(document, {
        signal: controller.signal,
        language,
        onProgress: broadcast,
        prompts,
      });
      const result: SummaryResult = {
        ...(document.title === undefined ? {} : { title: document.title }),
        bullets: summary.bullets,
        model: this.options.model,
        stats,
        cached: false,
      };
      if (cacheable) this.cache.set(key, result);
      return result;
    };
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
