import type { Config } from './config.js';
import { createAddressPolicy } from './core/fetch/address-policy.js';
import { createSafeFetch, type Resolver, type SafeFetch } from './core/fetch/safe-fetch.js';
import { JobQueue } from './core/queue.js';
import { RecapService } from './core/service.js';
import { createSources, type Sources } from './core/sources/sources.js';
import { createYouTubeReader } from './core/sources/youtube.js';
import { createOllamaModel, type LanguageModel } from './core/summarize/ollama-model.js';
import { createSummarizer } from './core/summarize/summarizer.js';

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

/** Parsers of uploaded files run in a worker with these limits. */
const PARSER_LIMITS = { timeoutMs: 30_000, maxHeapMb: 512, maxExpandedBytes: 100 * 1024 * 1024 };

/** Builds the core from settings. Shared by the CLI and every chat platform. */
export function createRecap(config: Config, runtime: RecapRuntime = {}): Recap {
  const model = createOllamaModel({
    host: config.ollama.host,
    model: config.ollama.model,
    idleTimeoutMs: config.ollama.timeoutMs,
    ...(runtime.fetch ? { fetch: runtime.fetch } : {}),
  });
  const service = new RecapService({
    summarizer: createSummarizer({
      model,
      maxContext: config.ollama.numCtx,
      maxModelCalls: config.ollama.maxModelCalls,
    }),
    model: config.ollama.model,
    queue: new JobQueue(config.queue),
    cacheBytes: config.cache.bytes,
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
    parser: PARSER_LIMITS,
  });
  return { service, model, sources, fetch: safeFetch };
}
