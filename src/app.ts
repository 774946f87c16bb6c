import { Backlog } from './commands/backlog.js';
import type { JobExecutor, JobOutcome } from './commands/job.js';
import { localExecutor } from './commands/job.js';
import { recapRefusal } from './commands/recap-policy.js';
import type { Platform } from './commands/request.js';
import { ChatRuntime, type SharedAdmission } from './commands/runtime.js';
import type { Config } from './config.js';
import { createAddressPolicy } from './core/fetch/address-policy.js';
import { createSafeFetch, type Resolver, type SafeFetch } from './core/fetch/safe-fetch.js';
import type { Logger } from './core/log.js';
import { JobQueue } from './core/queue.js';
import { RateLimiter } from './core/rate-limit.js';
import { memoryCache, RecapService, type RunLocks, type SummaryCache } from './core/service.js';
import { createSources, type Sources } from './core/sources/sources.js';
import { createYouTubeReader } from './core/sources/youtube.js';
import { createOllamaModel, type LanguageModel } from './core/summarize/ollama-model.js';
import type { PartRunner } from './core/summarize/part-runner.js';
import { createSummarizer } from './core/summarize/summarizer.js';
import { slotLimitedModel } from './scale/host-slots.js';
import type { Metrics } from './scale/metrics.js';

export interface Recap {
  service: RecapService;
  /** The model behind the service, for a start-up check. */
  model: LanguageModel;
  sources: Sources;
  /** The safe fetcher links go through; chat adapters download attachments with it too. */
  fetch: SafeFetch;
}

/** Seams for tests and embedding: the network below recap's own code. */
export interface RecapRuntime {
  fetch?: typeof globalThis.fetch;
  resolve?: Resolver;
}

/** What several processes share (issue 13): the summaries and their runs, and what is counted. */
export interface SharedState {
  cache?: SummaryCache | undefined;
  locks?: RunLocks | undefined;
  metrics?: Metrics | undefined;
  /** A long document's parts, written by every worker (issue 13); unset, here one by one. */
  runParts?: PartRunner | undefined;
  /** The host's parallel slots, kept by every model call here (a worker that also writes parts). */
  modelSlots?: number | undefined;
}

/** Builds the core from settings. Shared by the CLI and every chat platform. */
export function createRecap(config: Config, runtime: RecapRuntime = {}, shared: SharedState = {}): Recap {
  const ollama = createOllamaModel({
    host: config.ollama.host,
    model: config.ollama.model,
    idleTimeoutMs: config.ollama.timeoutMs,
    ...(runtime.fetch ? { fetch: runtime.fetch } : {}),
  });
  const { metrics } = shared;
  const observed = metrics ? metrics.observedModel(ollama) : ollama;
  const model = shared.modelSlots ? slotLimitedModel(observed, shared.modelSlots) : observed;
  const cache = shared.cache ?? (metrics ? memoryCache(config.cache.bytes) : undefined);
  const service = new RecapService({
    summarizer: createSummarizer({
      model,
      maxContext: config.ollama.numCtx,
      maxModelCalls: config.ollama.maxModelCalls,
      runParts: shared.runParts,
    }),
    model: config.ollama.model,
    queue: new JobQueue(config.queue),
    cacheBytes: config.cache.bytes,
    cache: cache && metrics ? metrics.countingCache(cache) : cache,
    locks: shared.locks,
  });
  const safeFetch = createSafeFetch({
    policy: createAddressPolicy(config.sources.allowHosts),
    timeoutMs: config.sources.fetchTimeoutMs,
    ...(runtime.resolve ? { resolve: runtime.resolve } : {}),
  });
  const sources = createSources({
    fetch: safeFetch,
    youtube: createYouTubeReader({
      baseUrl: config.sources.youtubeBaseUrl,
      timeoutMs: config.sources.fetchTimeoutMs,
      ...(runtime.fetch ? { fetch: runtime.fetch } : {}),
    }),
    maxFileBytes: config.sources.maxFileBytes,
    maxParses: config.parsing.maxParses,
  });
  return { service, model, sources, fetch: safeFetch };
}

export interface ChatRuntimeSeams {
  /** How often a job's progress may be shown (ms); tests show every step. */
  progressIntervalMs?: number;
  /** Several processes: jobs go to a queue (given the runtime's backlog) instead of running here. */
  executor?: (backlog: Backlog) => JobExecutor;
  /** Several fronts: one claim per request and one limit per person among them all, on Redis. */
  shared?: SharedAdmission;
  /** Told how long each acknowledgement took (ms from the request's arrival). */
  onAcknowledged?: (platform: Platform, ms: number) => void;
  /** Told how each job run in this process ended (for the metrics). */
  onJobFinished?: (outcome: JobOutcome) => void;
}

/**
 * The chat runtime every platform hands its requests to, running jobs in this process: one per-person
 * limit, one allow-list, one set of jobs under way for the whole program.
 */
export function createChatRuntime(
  config: Config,
  recap: Recap,
  log: Logger,
  seams: ChatRuntimeSeams = {},
): ChatRuntime {
  const allowedGuilds = config.discord?.allowedGuilds;
  // One backlog for every call after an acknowledgement: placeholders, notices, progress and answers.
  const backlog = new Backlog(16);
  return new ChatRuntime({
    executor:
      seams.executor?.(backlog) ??
      localExecutor({
        recap,
        log,
        progressIntervalMs: seams.progressIntervalMs,
        backlog,
        recapLimits: config.recaps,
        onFinished: seams.onJobFinished,
      }),
    backlog,
    rateLimiter: new RateLimiter(config.userLimit),
    shared: seams.shared,
    onAcknowledged: seams.onAcknowledged,
    log,
    gate: (origin, command) =>
      origin.platform === 'discord' && allowedGuilds && !(origin.guild && allowedGuilds.has(origin.guild))
        ? 'recap is not enabled here. Ask an admin to add this server to DISCORD_ALLOWED_GUILDS.'
        : recapRefusal(command, config.recaps),
  });
}
