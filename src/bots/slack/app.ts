/**
 * The Slack front: Bolt over Socket Mode or HTTP, each request acknowledged at once and handed to the
 * chat runtime (handlers.ts). Answers are made from the job's plain target (surface.ts).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { ChatRuntime } from '../../commands/runtime.js';
import { describeCauses, RecapError } from '../../core/errors.js';
import type { SafeFetch } from '../../core/fetch/safe-fetch.js';
import type { Logger } from '../../core/log.js';
import { boltLogger } from './bolt-logger.js';
import { registerHandlers } from './handlers.js';
import { registerRecapHandlers } from './recap-handlers.js';
import { historyClient } from './recap-patience.js';
import { slackRecapKit } from './recap-surface.js';
import { CLIENT_OPTIONS, SlackCalls } from './slack-calls.js';
import { slackKit } from './surface.js';

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
  /** Hosts of Slack's private files (SLACK_FILE_HOSTS): the only ones sent the bot token. */
  fileHosts: readonly string[];
  runtime: ChatRuntime;
  fetchFile: SafeFetch;
  log: Logger;
}

export interface SlackApp {
  app: App;
  /** HTTP mode: the port /slack/events listens on. */
  port: number | undefined;
  /** Disconnects; stop the runtime first, so the jobs under way can still answer. */
  stop(): Promise<void>;
}

/** Slack signs each request with its time; Bolt refuses those older than 5 minutes, recap also those ahead. */
const MAX_CLOCK_SKEW_S = 5 * 60;

export async function startSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const log = options.log.child({ platform: 'slack' });
  const logger = boltLogger(log);
  const clientOptions = { slackApiUrl: options.apiUrl, ...CLIENT_OPTIONS };
  // Socket Mode: a few quick tries at start (an unreachable Slack is reported, not retried for ever), then
  // patient reconnects once connected. The Socket Mode client reads this object at every call.
  const socketRetries = { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 };
  const receiver = options.appToken
    ? socketReceiver(options.appToken, options.apiUrl, logger, socketRetries)
    : httpReceiver(options, logger);
  // Initialized below with `await app.init()`, which checks the token (auth.test) before anything starts.
  const app = new App({
    token: options.botToken,
    receiver,
    clientOptions,
    logger,
    deferInitialization: true,
  });
  const calls = attachKits(app, options, log);
  ignoreRepeats(app, log);
  app.error(async (error) => log.error(`slack: ${describeCauses(error)}`));
  registerHandlers(app, options.runtime, calls);
  registerRecapHandlers(app, options.runtime, calls);

  // A failure here (a refused token, an unreachable Slack) comes back at once: main.ts names the settings.
  await app.init();
  if (receiver instanceof HTTPReceiver) return startHttp(app, receiver, options, log);
  await app.start();
  Object.assign(socketRetries, { retries: 100, factor: 1.3, maxTimeout: 60_000 });
  watchConnection(receiver, log);
  log.info('slack: connected in Socket Mode');
  return {
    app,
    port: undefined,
    async stop() {
      await app.stop();
    },
  };
}

/** How the runtime's jobs answer and read on Slack: the app's client, and a client of its own for history. */
function attachKits(app: App, options: SlackAppOptions, log: Logger): SlackCalls {
  const calls = new SlackCalls(app.client, { log });
  // History is read with a WebClient of its own: its rate limits never hold up the answers.
  const recaps = slackRecapKit(calls, historyClient(options));
  options.runtime.executor.attach('slack', {
    ...slackKit({
      calls,
      botToken: options.botToken,
      fileHosts: options.fileHosts,
      fetchFile: options.fetchFile,
    }),
    recaps,
  });
  return calls;
}

async function startHttp(
  app: App,
  receiver: HTTPReceiver,
  options: SlackAppOptions,
  log: Logger,
): Promise<SlackApp> {
  const server = await listen(receiver, options.port, options.runtime, log);
  const port = (server.address() as AddressInfo).port;
  log.info(`slack: listening for events on http://0.0.0.0:${port}/slack/events`);
  return { app, port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function socketReceiver(
  appToken: string,
  apiUrl: string,
  logger: ReturnType<typeof boltLogger>,
  retryConfig: { retries: number; factor: number; minTimeout: number; maxTimeout: number },
): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken,
    logger,
    installerOptions: { clientOptions: { slackApiUrl: apiUrl, retryConfig } },
  });
}

function httpReceiver(options: SlackAppOptions, logger: ReturnType<typeof boltLogger>): HTTPReceiver {
  if (!options.signingSecret) {
    throw new RecapError(
      'config_invalid',
      'Set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  return new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', logger });
}

/**
 * Our own server around Bolt's request listener (so port 0 works in tests), which first refuses requests
 * signed more than five minutes ahead: Bolt checks only the past, so a request signed in the future could
 * be replayed for as long as its time lies ahead.
 */
async function listen(
  receiver: HTTPReceiver,
  port: number,
  runtime: ChatRuntime,
  log: Logger,
): Promise<Server> {
  const server = createServer((request, response) => {
    const arrivedAt = performance.now();
    if (signedInTheFuture(request)) {
      response.writeHead(401).end();
      return;
    }
    // The response is Slack's acknowledgement: the work after earlier requests waits for it.
    void runtime.acknowledging(new Promise((resolve) => response.once('close', resolve)));
    response.once('finish', () => {
      if (response.statusCode < 300) runtime.acknowledged('slack', performance.now() - arrivedAt);
    });
    receiver.requestListener(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    const busy = (error as { code?: string }).code === 'EADDRINUSE';
    throw new RecapError(
      'config_invalid',
      busy
        ? `PORT ${port} is already in use, so the Slack app cannot listen for events. Set PORT to a free port, or stop what uses it.`
        : `The Slack app cannot listen on PORT ${port} (${(error as Error).message}).`,
      { cause: error },
    );
  });
  // Once listening, an error of the listening socket (accept failing with EMFILE when the process is out
  // of file descriptors, lib/net.js onconnection) is emitted on the server: with no listener, the
  // process would crash. Logged; the server keeps accepting once descriptors are free again.
  server.on('error', (error) => log.error(`slack: the HTTP server: ${describeCauses(error)}`));
  return server;
}

function signedInTheFuture(request: IncomingMessage): boolean {
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  return Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > MAX_CLOCK_SKEW_S;
}

/**
 * Each request is handled once. Slack resends an event it thinks went unanswered (X-Slack-Retry-Num over
 * HTTP, retry_attempt in Socket Mode) with the same event_id; a command or a shortcut replayed within
 * the signature's five minutes has the same trigger_id. A repeat is acknowledged and dropped.
 */
function ignoreRepeats(app: App, log: Logger): void {
  const seen = new LRUCache<string, true>({ max: 20_000, ttl: 60 * 60_000 });
  app.use(async (args) => {
    const body = args.body as { event_id?: unknown; trigger_id?: unknown };
    const id = typeof body.event_id === 'string' ? body.event_id : body.trigger_id;
    if (typeof id === 'string') {
      if (seen.has(id)) {
        log.info(`slack: request ${id} arrived again; already handled`);
        await (args as { ack?: () => Promise<void> }).ack?.();
        return;
      }
      seen.set(id, true);
    }
    await args.next();
  });
}

/** Says once that the connection was lost and what to check, and once that it came back. */
function watchConnection(receiver: SocketModeReceiver, log: Logger): void {
  let lost = false;
  receiver.client.on('reconnecting', () => {
    if (lost) return;
    lost = true;
    log.warn(
      'slack: the Socket Mode connection was lost; reconnecting. If it does not come back, check network access to Slack (SLACK_API_URL, and wss-primary.slack.com for the socket) and that SLACK_APP_TOKEN is still valid.',
    );
  });
  receiver.client.on('connected', () => {
    if (!lost) return;
    lost = false;
    log.info('slack: the Socket Mode connection is back');
  });
}
