import type { RecapService } from '../core/service.js';
import type { Sources } from '../core/sources/sources.js';
import { locateBullets } from '../core/summarize/moments.js';
import { capTitle } from '../core/title.js';
import type { Document, Input, ProgressListener, SourceRef, SummaryResult } from '../core/types.js';

export interface SummarizeRequest {
  input: Input;
  /** A title to show the model, when the person gave one. */
  title?: string | undefined;
  language?: string | undefined;
}

/** What every platform renders: the summary, where it came from, and where each bullet is said. */
export interface SummaryReply extends SummaryResult {
  source: SourceRef;
  /** For a timed transcript, the moment (ms) each bullet is grounded in, when one stands out. */
  moments: (number | undefined)[];
}

export interface SummarizeDeps {
  service: RecapService;
  sources: Sources;
}

export interface CommandRun {
  signal: AbortSignal;
  onProgress?: ProgressListener;
}

/** The platform-neutral command: read what was shared, summarize it, return what to show. */
export async function runSummarize(
  request: SummarizeRequest,
  deps: SummarizeDeps,
  run: CommandRun,
): Promise<SummaryReply> {
  run.onProgress?.({ stage: 'reading' });
  const document = await readRequest(request, deps.sources, run.signal);
  const result = await deps.service.summarize(document, {
    signal: run.signal,
    ...(request.language ? { language: request.language } : {}),
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  });
  return {
    ...result,
    source: document.source,
    moments: locateBullets(result.bullets, document.segments),
  };
}

/** The Document a request names, with the person's title when they gave one. */
export async function readRequest(
  request: SummarizeRequest,
  sources: Sources,
  signal: AbortSignal,
): Promise<Document> {
  const document = await sources.read(request.input, { signal, language: request.language });
  const title = capTitle(request.title);
  return title ? { ...document, title } : document;
}
