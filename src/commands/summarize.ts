import type { RecapService } from '../core/service.js';
import { readInput } from '../core/sources/read-input.js';
import type { Input, ProgressListener, SourceRef, SummaryResult } from '../core/types.js';

export interface SummarizeRequest {
  input: Input;
  /** A title to show the model, when the person gave one. */
  title?: string | undefined;
  language?: string | undefined;
}

/** What every platform renders: the summary and where it came from. */
export interface SummaryReply extends SummaryResult {
  source: SourceRef;
}

export interface SummarizeDeps {
  service: RecapService;
}

/** The platform-neutral command: read what was shared, summarize it, return what to show. */
export async function runSummarize(
  request: SummarizeRequest,
  deps: SummarizeDeps,
  run: { signal: AbortSignal; onProgress?: ProgressListener },
): Promise<SummaryReply> {
  const document = await readInput(request.input, run.signal);
  const titled = request.title ? { ...document, title: request.title } : document;
  const result = await deps.service.summarize(titled, {
    signal: run.signal,
    ...(request.language ? { language: request.language } : {}),
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  return { ...result, source: document.source };
}
