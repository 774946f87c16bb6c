import type { Recap } from '../app.js';
import { describeCauses, RecapError } from '../core/errors.js';
import type { SafeFetch } from '../core/fetch/safe-fetch.js';
import type { Logger } from '../core/log.js';
import type { Input, Progress } from '../core/types.js';
import { describeProgress } from './progress-text.js';
import { ProgressThrottle } from './progress-throttle.js';
import { runSummarize, type SummaryReply } from './summarize.js';

/** A file shared in chat: where to download it, and what the platform says of it. */
export interface SharedFile {
  url: string;
  name: string;
  contentType?: string | undefined;
  size?: number | undefined;
  /** Headers the download needs (Slack's bearer token). */
  headers?: Record<string, string>;
}

export type ChatAsk =
  | { kind: 'text'; text: string }
  | { kind: 'url'; url: URL }
  | { kind: 'file'; file: SharedFile };

/** Where a platform shows a job: its progress, its result, or what went wrong. */
export interface ReplySurface {
  progress(progress: Progress): Promise<unknown>;
  deliver(reply: SummaryReply): Promise<unknown>;
  fail(error: unknown): Promise<unknown>;
}

export interface ChatJobDeps {
  recap: Recap;
  /** Attachments are fetched like links: through the safe fetcher, bounded in size and time. */
  fetchFile: SafeFetch;
  log: Logger;
  progressIntervalMs?: number;
}

/** Turns what was shared into the core's Input; a file download goes through the safe fetcher. */
export function inputOf(ask: ChatAsk, fetchFile: SafeFetch): Input {
  switch (ask.kind) {
    case 'text':
      return { kind: 'text', text: ask.text };
    case 'url':
      return { kind: 'url', url: ask.url };
    case 'file': {
      const { file } = ask;
      return {
        kind: 'file',
        name: file.name,
        ...(file.contentType ? { contentType: file.contentType } : {}),
        ...(file.size === undefined ? {} : { size: file.size }),
        download: async ({ signal, maxBytes }) =>
          (
            await fetchFile(new URL(file.url), {
              accept: ['*/*'],
              maxBytes,
              signal,
              ...(file.headers ? { headers: file.headers } : {}),
            })
          ).bytes,
      };
    }
  }
}

/**
 * Runs one person's request from chat to the end: progress on the surface, then the summary or a
 * message saying what went wrong. It never throws: one failure stays with the person who asked.
 */
export async function runChatJob(
  request: { ask: ChatAsk; language?: string | undefined; label: string },
  surface: ReplySurface,
  deps: ChatJobDeps,
  signal: AbortSignal,
): Promise<void> {
  const throttle = new ProgressThrottle<Progress>(
    (progress) => surface.progress(progress),
    (error) => deps.log.warn(`${request.label}: a progress update failed: ${describeCauses(error)}`),
    describeProgress,
    deps.progressIntervalMs,
  );
  try {
    const reply = await runSummarize(
      { input: inputOf(request.ask, deps.fetchFile), language: request.language },
      deps.recap,
      { signal, onProgress: (progress) => throttle.show(progress) },
    );
    await throttle.close();
    await surface.deliver(reply);
    deps.log.info(
      `${request.label}: summarized (${reply.model}, ${reply.stats.chunks} parts, ${reply.stats.ms} ms${reply.cached ? ', cached' : ''})`,
    );
  } catch (caught) {
    await throttle.close();
    // The bot is stopping (a deploy, a restart): say so, rather than a bare "cancelled".
    const error = signal.aborted
      ? new RecapError(
          'cancelled',
          'recap is restarting, so this summary was stopped. Please ask again in a minute.',
          { cause: caught },
        )
      : caught;
    deps.log.warn(`${request.label}: failed: ${describeCauses(error)}`);
    try {
      await surface.fail(error);
    } catch (reportError) {
      deps.log.error(`${request.label}: could not report the failure: ${describeCauses(reportError)}`);
    }
  }
}
