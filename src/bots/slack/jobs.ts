import type { WebClient } from '@slack/web-api';
import type { Recap } from '../../app.js';
import { type ChatAsk, type ChatJobDeps, type ReplySurface, runChatJob } from '../../commands/chat-job.js';
import { describeCauses, RecapError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { RateLimiter } from '../../core/rate-limit.js';
import { type SlackAsk, SlackFile } from './map-event.js';
import { renderError, renderNotice, renderProgress, renderSummary } from './render.js';

/** Every message: Slack must not turn names into mentions or unfurl what the model wrote. */
export const PLAIN = { parse: 'none', link_names: false, unfurl_links: false, unfurl_media: false } as const;

export interface SlackJobsOptions {
  botToken: string;
  recap: Recap;
  rateLimiter: RateLimiter;
  log: Logger;
  progressIntervalMs?: number | undefined;
}

/**
 * The work behind every Slack request: runs each in the background after Slack's acknowledgement,
 * keeps track of them for a clean shutdown, and answers in threads.
 */
export class SlackJobs {
  readonly log: Logger;
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly deps: ChatJobDeps;

  constructor(private readonly options: SlackJobsOptions) {
    this.log = options.log;
    this.deps = {
      recap: options.recap,
      fetchFile: options.recap.fetch,
      log: options.log,
      ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
    };
  }

  /** Runs `work` after the handler has returned; a failure is logged, never thrown. */
  background(label: string, work: () => Promise<void>): void {
    const job = work().catch((error: unknown) => this.log.error(`slack: ${label}: ${describeCauses(error)}`));
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  /** What to tell a person who asked too often, or undefined. */
  refusal(userId: string): string | undefined {
    return this.options.rateLimiter.refusal(`slack:${userId}`);
  }

  /** A short message in a thread: usage, a refusal, nothing to summarize. */
  async notice(client: WebClient, channel: string, threadTs: string, text: string): Promise<void> {
    await client.chat.postMessage({ channel, thread_ts: threadTs, ...renderNotice(text), ...PLAIN });
  }

  /** A placeholder in the thread, edited with progress, then with the summary or what went wrong. */
  async runInThread(
    client: WebClient,
    channel: string,
    threadTs: string,
    ask: SlackAsk,
    label: string,
  ): Promise<void> {
    const placeholder = await client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      ...renderProgress({ stage: 'reading' }),
      ...PLAIN,
    });
    const ts = String(placeholder.ts);
    await this.run(ask, client, label, {
      progress: (progress) => client.chat.update({ channel, ts, ...renderProgress(progress), ...PLAIN }),
      deliver: (reply) => client.chat.update({ channel, ts, ...renderSummary(reply), ...PLAIN }),
      fail: (error) => client.chat.update({ channel, ts, ...renderError(error), blocks: [], ...PLAIN }),
    });
  }

  async run(ask: SlackAsk, client: WebClient, label: string, surface: ReplySurface): Promise<void> {
    let chatAsk: ChatAsk;
    try {
      chatAsk = await this.toChatAsk(ask, client);
    } catch (error) {
      this.log.warn(`${label}: ${describeCauses(error)}`);
      await surface.fail(error);
      return;
    }
    await runChatJob({ ask: chatAsk, label }, surface, this.deps, this.shutdown.signal);
  }

  async stop(): Promise<void> {
    this.shutdown.abort(new Error('recap is shutting down'));
    await Promise.allSettled([...this.running]);
  }

  /** Files come through files.info and url_private_download, fetched with the bot token. */
  private async toChatAsk(ask: SlackAsk, client: WebClient): Promise<ChatAsk> {
    if (ask.kind !== 'file') return ask;
    const info = await client.files.info({ file: ask.fileId });
    const file = SlackFile.parse(info.file);
    const url = file.url_private_download ?? file.url_private;
    if (!url) throw new RecapError('unsupported_input', `Slack gave no download link for ${ask.name}.`);
    return {
      kind: 'file',
      file: {
        url,
        name: file.name ?? ask.name,
        contentType: file.mimetype,
        size: file.size,
        headers: { authorization: `Bearer ${this.options.botToken}` },
      },
    };
  }
}
