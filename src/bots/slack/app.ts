import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Recap } from '../../app.js';
import { describeCauses, RecapError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { RateLimiter } from '../../core/rate-limit.js';
import { registerHandlers } from './handlers.js';
import { SlackJobs } from './jobs.js';

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

export async function startSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { log } = options;
  const clientOptions = { slackApiUrl: options.apiUrl };
  const logger = boltLogger(log);
  const receiver = createReceiver(options, logger);
  // Initialized below with `await app.init()`, which checks the token (auth.test) before anything starts.
  const app = new App({
    token: options.botToken,
    receiver,
    clientOptions,
    logger,
    deferInitialization: true,
  });
  const jobs = new SlackJobs(options);

  ignoreRedeliveries(app, log);
  app.error(async (error) => log.error(`slack: ${describeCauses(error)}`));
  registerHandlers(app, jobs);

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
      await jobs.stop();
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      else await app.stop();
    },
  };
}

/** Socket Mode with an app token (no public URL needed); HTTP mode with signature checks otherwise. */
function createReceiver(
  options: SlackAppOptions,
  logger: ReturnType<typeof boltLogger>,
): HTTPReceiver | SocketModeReceiver {
  const clientOptions = { slackApiUrl: options.apiUrl };
  if (options.appToken) {
    return new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions },
    });
  }
  if (!options.signingSecret) {
    throw new RecapError(
      'config_invalid',
      'Set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  return new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger });
}

/**
 * Slack resends an event it thinks went unanswered (X-Slack-Retry-Num over HTTP, retry_attempt in
 * Socket Mode), with the same event_id: each event is handled once. Bolt has already acknowledged it.
 */
function ignoreRedeliveries(app: App, log: Logger): void {
  const seen = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60_000 });
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      if (seen.has(eventId)) {
        log.info(`slack: event ${eventId} was delivered again; already handled`);
        return;
      }
      seen.set(eventId, true);
    }
    await next();
  });
}

/** Bolt's log lines, through recap's logger (its debug chatter dropped). */
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
