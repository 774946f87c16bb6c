/**
 * What a process counts, in Prometheus's format (prom-client): one registry per process, its series named
 * `recap_…`, beside Node's own (`process_…`, `nodejs_…`). Each part of recap reports through the small
 * observers below, so the core and the runtime know nothing of Prometheus.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../commands/request.js';
import { isRecapError } from '../core/errors.js';
import type { SummaryCache } from '../core/service.js';
import type { LanguageModel } from '../core/summarize/ollama-model.js';

export type JobStage = 'read' | 'summarize' | 'deliver' | 'total';

export class Metrics {
  readonly registry = new Registry();
  private readonly ack = new Histogram({
    name: 'recap_ack_seconds',
    help: 'From a request reaching the front to its acknowledgement written (Slack over HTTP, Discord)',
    labelNames: ['platform'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'recap_queue_wait_seconds',
    help: 'From a job being queued to a worker taking it',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  private readonly jobStage = new Histogram({
    name: 'recap_job_seconds',
    help: 'Time a job spent in each stage: read (the source), summarize (the model), deliver, total',
    labelNames: ['stage'],
    buckets: [0.05, 0.25, 1, 5, 15, 60, 180, 600],
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: 'recap_jobs_total',
    help: 'Jobs a worker ran, by outcome: delivered, reported (told what went wrong), retry, handed-back',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'recap_errors_total',
    help: 'Failures of jobs, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly cache = new Counter({
    name: 'recap_cache_lookups_total',
    help: 'Summary cache lookups, by result: hit or miss',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'recap_model_tokens_total',
    help: "Tokens the model read (prompt) and wrote (completion), by Ollama's counts",
    labelNames: ['host', 'kind'],
    registers: [this.registry],
  });
  private readonly speed = new Histogram({
    name: 'recap_model_tokens_per_second',
    help: "Tokens written per second of generation, by Ollama's eval_count and eval_duration",
    labelNames: ['host'],
    buckets: [1, 5, 10, 20, 40, 80, 160, 320],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'recap_ollama_in_flight',
    help: 'Model calls under way, by Ollama host',
    labelNames: ['host'],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'recap_ollama_up',
    help: 'Whether the Ollama host answers and has the model (1) or not (0)',
    labelNames: ['host'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  acknowledged(platform: Platform, ms: number): void {
    this.ack.observe({ platform }, Math.max(0, ms) / 1000);
  }

  jobStarted(waitedMs: number): void {
    this.queueWait.observe(waitedMs / 1000);
  }

  stage(stage: JobStage, ms: number): void {
    this.jobStage.observe({ stage }, ms / 1000);
  }

  jobFinished(outcome: string, error?: unknown): void {
    this.jobs.inc({ outcome });
    if (error !== undefined) this.errors.inc({ code: isRecapError(error) ? error.code : 'unexpected' });
  }

  hostState(host: string, up: boolean): void {
    this.up.set({ host }, up ? 1 : 0);
  }

  /** Jobs by state, read from the queue at each scrape. */
  jobsByState(counts: () => Promise<Record<string, number>>): void {
    new Gauge({
      name: 'recap_jobs',
      help: 'Jobs in the queue, by state (waiting, active, delayed, completed, failed, …)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, count] of Object.entries(await counts())) this.set({ state }, count);
      },
    });
  }

  /** A cache that counts its hits and misses. */
  countingCache(cache: SummaryCache): SummaryCache {
    const count = (found: unknown) => this.cache.inc({ result: found ? 'hit' : 'miss' });
    return {
      get: (key) => {
        const found = cache.get(key);
        if (found instanceof Promise)
          return found.then((value) => {
            count(value);
            return value;
          });
        count(found);
        return found;
      },
      set: (key, value) => cache.set(key, value),
    };
  }

  /** A model whose calls are counted: in flight, tokens, tokens per second. */
  observedModel(model: LanguageModel): LanguageModel {
    const host = model.host;
    return {
      name: model.name,
      host,
      contextLength: (signal) => model.contextLength(signal),
      refusesOverflow: (signal) => model.refusesOverflow(signal),
      chat: async (request) => {
        this.inFlight.inc({ host });
        try {
          const answer = await model.chat(request);
          this.tokens.inc({ host, kind: 'prompt' }, answer.promptEvalCount ?? 0);
          this.tokens.inc({ host, kind: 'completion' }, answer.evalCount);
          if (answer.timings.evalMs > 0)
            this.speed.observe({ host }, answer.evalCount / (answer.timings.evalMs / 1000));
          return answer;
        } finally {
          this.inFlight.dec({ host });
        }
      },
    };
  }
}
