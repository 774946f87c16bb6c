import type { Config } from './config.js';
import { JobQueue } from './core/queue.js';
import { RecapService } from './core/service.js';
import { createOllamaModel } from './core/summarize/ollama-model.js';
import { createSummarizer } from './core/summarize/summarizer.js';

/** Builds the core from settings. Shared by the CLI and every chat platform. */
export function createRecapService(config: Config, fetch?: typeof globalThis.fetch): RecapService {
  const model = createOllamaModel({
    host: config.ollama.host,
    model: config.ollama.model,
    idleTimeoutMs: config.ollama.timeoutMs,
    ...(fetch ? { fetch } : {}),
  });
  return new RecapService({
    summarizer: createSummarizer({ model, maxContext: config.ollama.numCtx }),
    model: config.ollama.model,
    queue: new JobQueue(config.queue),
    cacheBytes: config.cache.bytes,
  });
}
