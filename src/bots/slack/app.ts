import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Recap } from '../../app.js';
import { type ChatAsk, type ReplySurface, runChatJob } from '../../commands/chat-job.js';
import { describeCauses, RecapError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { RateLimiter } from '../../core/rate-limit.js';
import {
  askFromMessage,
  askFromParent,
  mapCommand,
  mapMention,
  type SlackAsk,
  SlackFile,
  SlackMessage,
} from './map-event.js';
import {
  renderError,
  renderNotice,
  renderParent,
  renderParentDone,
  renderProgress,
  renderSummary,
  type SlackMessagePayload,
} from './render.js';

export interface SlackAppOptions {
  botToken: string;
  /** Socket Mode when set (xapp-…); HTTP mode otherwise. */
  appToken?: string | undefined;
  /** HTTP mode: verifies every request. */
  signingSecret?: string | undefined;
  /** HTTP mode: where /slack/events listens (0 for any free port). */
  port: number;
  /** Slack's Web API root (SLACK_API_URL): https://slack.com/api/, GovSlack's, or a test server. */
  apiUrl: string;
  recap: Recap;
  rateLimiter: RateLimiter;
  log: Logger;
  progressIntervalMs?: number;
}

export interface SlackApp {
  app: App;
  /** HTTP mode: the port /slack/events listens on. */
  port: number | undefined;
  stop(): Promise<void>;
}

export const SHORTCUT_CALLBACK_ID = 'summarize';
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);

export async function startSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { log } = options;
  const clientOptions = { slackApiUrl: options.apiUrl };
  const logger = boltLogger(log);
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (options.appToken) {
    receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions },
    });
  } else {
    if (!options.signingSecret)
      throw new RecapError(
        'config_invalid',
        'Set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode.',
      );
    receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger });
  }
  // Initialized below with `await app.init()`, which checks the token (auth.test) before anything starts.
  const app = new App({
    token: options.botToken,
    receiver,
    clientOptions,
    logger,
    deferInitialization: true,
  });
  const shutdown = new AbortController();
  const jobs = new Set<Promise<void>>();
  const track = (job: Promise<void>) => {
    jobs.add(job);
    void job.finally(() => jobs.delete(job));
  };
  const jobDeps = {
    recap: options.recap,
    fetchFile: options.recap.fetch,
    log,
    ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
  };

  // Slack resends an event it thinks went unanswered (X-Slack-Retry-Num, same event_id): handle each once.
  const seenEvents = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60_000 });
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      if (seenEvents.has(eventId)) {
        log.info(`slack: event ${eventId} was delivered again; already handled`);
        return;
      }
      seenEvents.set(eventId, true);
    }
    await next();
  });

  app.error(async (error) => log.error(`slack: ${describeCauses(error)}`));

  app.command('/summarize', async ({ command, ack, respond, client }) => {
    await ack();
    track(
      (async () => {
        const ephemeral = (payload: SlackMessagePayload) =>
          respond({ ...payload, response_type: 'ephemeral' });
        const mapped = mapCommand(command.text);
        if (!mapped.ok) return void (await ephemeral(renderNotice(mapped.problem)));
        const refusal = rateLimitRefusal(command.user_id);
        if (refusal) return void (await ephemeral(renderNotice(refusal)));
        let parentTs: string;
        try {
          const parent = await client.chat.postMessage({
            channel: command.channel_id,
            ...renderParent(describe(mapped.value)),
            ...plain,
          });
          parentTs = String(parent.ts);
        } catch (error) {
          const code = slackErrorCode(error);
          if (code && NOT_IN_CHANNEL.has(code)) {
            return void (await ephemeral(
              renderNotice(
                "I'm not in this channel, so I can't post the summary here. Invite me with `/invite @recap` and try again, or send me the link in a direct message.",
              ),
            ));
          }
          throw error;
        }
        const surface: ReplySurface = {
          progress: (progress) =>
            client.chat.update({
              channel: command.channel_id,
              ts: parentTs,
              ...renderProgress(progress),
              ...plain,
            }),
          async deliver(reply) {
            await client.chat.postMessage({
              channel: command.channel_id,
              thread_ts: parentTs,
              ...renderSummary(reply),
              ...plain,
            });
            await client.chat.update({
              channel: command.channel_id,
              ts: parentTs,
              ...renderParentDone(reply),
              ...plain,
            });
          },
          async fail(error) {
            await ephemeral(renderError(error));
            await client.chat.delete({ channel: command.channel_id, ts: parentTs }).catch(() => undefined);
          },
        };
        await run(mapped.value, client, surface, `slack command from ${command.user_id}`);
      })().catch((error: unknown) => log.error(`slack: /summarize: ${describeCauses(error)}`)),
    );
  });

  app.shortcut(SHORTCUT_CALLBACK_ID, async ({ shortcut, ack, client }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    track(
      (async () => {
        const channel = shortcut.channel.id;
        const message = SlackMessage.parse(shortcut.message);
        const threadTs = message.thread_ts ?? message.ts;
        const ask = askFromMessage(message);
        const refusal = ask
          ? rateLimitRefusal(shortcut.user.id)
          : 'That message has no link, file or text to summarize.';
        if (refusal || !ask) {
          await client.chat.postEphemeral({
            channel,
            user: shortcut.user.id,
            thread_ts: threadTs,
            ...renderNotice(refusal ?? ''),
          });
          return;
        }
        await runInThread(client, channel, threadTs, ask, `slack shortcut from ${shortcut.user.id}`);
      })().catch((error: unknown) => log.error(`slack: shortcut: ${describeCauses(error)}`)),
    );
  });

  app.event('app_mention', async ({ event, client, context }) => {
    track(
      (async () => {
        const message = SlackMessage.parse(event);
        const threadTs = message.thread_ts ?? message.ts;
        const decision = mapMention(message, context.botUserId ?? '');
        if (decision.action === 'explain') {
          await notice(client, event.channel, threadTs, decision.problem);
          return;
        }
        let ask: SlackAsk;
        if (decision.action === 'summarize-parent') {
          const replies = await client.conversations.replies({
            channel: event.channel,
            ts: decision.parentTs,
            limit: 1,
            inclusive: true,
          });
          const parent = SlackMessage.parse(replies.messages?.[0] ?? { ts: decision.parentTs });
          const mapped = askFromParent(parent);
          if (!mapped.ok) {
            await notice(client, event.channel, threadTs, mapped.problem);
            return;
          }
          ask = mapped.value;
        } else {
          ask = decision.ask;
        }
        const refusal = rateLimitRefusal(message.user ?? 'unknown');
        if (refusal) {
          await notice(client, event.channel, threadTs, refusal);
          return;
        }
        await runInThread(client, event.channel, threadTs, ask, `slack mention ${message.ts}`);
      })().catch((error: unknown) => log.error(`slack: app_mention: ${describeCauses(error)}`)),
    );
  });

  // A file shared in a direct message with the bot.
  app.message(async ({ message, client }) => {
    const event = message as unknown as {
      channel_type?: string;
      subtype?: string;
      channel: string;
      user?: string;
      bot_id?: string;
    };
    if (event.channel_type !== 'im' || event.subtype !== 'file_share' || event.bot_id) return;
    track(
      (async () => {
        const parsed = SlackMessage.parse(message);
        const ask = askFromMessage(parsed);
        if (ask?.kind !== 'file') return;
        const refusal = rateLimitRefusal(event.user ?? 'unknown');
        if (refusal) {
          await notice(client, event.channel, parsed.ts, refusal);
          return;
        }
        await runInThread(
          client,
          event.channel,
          parsed.ts,
          ask,
          `slack dm file from ${event.user ?? 'unknown'}`,
        );
      })().catch((error: unknown) => log.error(`slack: direct message: ${describeCauses(error)}`)),
    );
  });

  /** A placeholder in the thread, edited with progress, then with the summary or what went wrong. */
  async function runInThread(
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
      ...plain,
    });
    const ts = String(placeholder.ts);
    const surface: ReplySurface = {
      progress: (progress) => client.chat.update({ channel, ts, ...renderProgress(progress), ...plain }),
      deliver: (reply) => client.chat.update({ channel, ts, ...renderSummary(reply), ...plain }),
      fail: (error) => client.chat.update({ channel, ts, ...renderError(error), blocks: [], ...plain }),
    };
    await run(ask, client, surface, label);
  }

  async function run(ask: SlackAsk, client: WebClient, surface: ReplySurface, label: string): Promise<void> {
    let chatAsk: ChatAsk;
    try {
      chatAsk = await toChatAsk(ask, client);
    } catch (error) {
      log.warn(`${label}: ${describeCauses(error)}`);
      await surface.fail(error);
      return;
    }
    await runChatJob({ ask: chatAsk, label }, surface, jobDeps, shutdown.signal);
  }

  /** Files come through files.info and url_private_download, fetched with the bot token. */
  async function toChatAsk(ask: SlackAsk, client: WebClient): Promise<ChatAsk> {
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
        headers: { authorization: `Bearer ${options.botToken}` },
      },
    };
  }

  function rateLimitRefusal(userId: string): string | undefined {
    return options.rateLimiter.refusal(`slack:${userId}`);
  }

  /** A short message in a thread: usage, a refusal, nothing to summarize. */
  async function notice(client: WebClient, channel: string, threadTs: string, text: string): Promise<void> {
    await client.chat.postMessage({ channel, thread_ts: threadTs, ...renderNotice(text), ...plain });
  }

  let server: Server | undefined;
  let port: number | undefined;
  if (receiver instanceof HTTPReceiver) {
    // Our own server around Bolt's request listener, so port 0 (any free port) works in tests.
    server = createServer(receiver.requestListener);
    await app.init();
    await new Promise<void>((resolve) => server?.listen(options.port, resolve));
    port = (server.address() as AddressInfo).port;
    log.info(`slack: listening for events on http://0.0.0.0:${port}/slack/events`);
  } else {
    await app.init();
    await app.start();
    log.info('slack: connected in Socket Mode');
  }
  return {
    app,
    port,
    async stop() {
      shutdown.abort(new Error('recap is shutting down'));
      await Promise.allSettled([...jobs]);
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      else await app.stop();
    },
  };
}

/** Every message: Slack must not turn names into mentions or unfurl what the model wrote. */
const plain = { parse: 'none', link_names: false, unfurl_links: false, unfurl_media: false } as const;

function describe(ask: SlackAsk): string {
  if (ask.kind === 'url') return ask.url.href;
  if (ask.kind === 'file') return ask.name;
  return `“${ask.text.slice(0, 60)}${ask.text.length > 60 ? '…' : ''}”`;
}

function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function boltLogger(log: Logger) {
  let level = LogLevel.INFO;
  let name = 'slack';
  return {
    debug: () => undefined,
    info: (...messages: unknown[]) => log.info(`${name}: ${messages.join(' ')}`),
    warn: (...messages: unknown[]) => log.warn(`${name}: ${messages.join(' ')}`),
    error: (...messages: unknown[]) => log.error(`${name}: ${messages.join(' ')}`),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
