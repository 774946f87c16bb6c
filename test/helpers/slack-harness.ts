import { type ChatRuntimeSeams, createChatRuntime, createRecap } from '../../src/app.js';
import { type SlackApp, startSlackApp } from '../../src/bots/slack/app.js';
import type { ChatRuntime } from '../../src/commands/runtime.js';
import { loadConfig } from '../../src/config.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import {
  type FakeSlack,
  type FakeSlackOptions,
  SIGNING_SECRET,
  SLACK_APP_TOKEN,
  SLACK_BOT_TOKEN,
  slackSignature,
  startFakeSlack,
} from '../fakes/slack.js';
import { waitFor } from './discord-harness.js';
import { collectingLogger } from './logs.js';

export interface SlackHarness {
  slack: FakeSlack;
  ollama: FakeOllama;
  app: SlackApp;
  runtime: ChatRuntime;
  logs: string[];
  /** HTTP mode: posts to /slack/events, signed as Slack signs. */
  post(
    body: string,
    options?: { contentType?: string; retryNum?: number; timestamp?: number; signature?: string },
  ): Promise<Response>;
  postEvent(body: Record<string, unknown>, retryNum?: number): Promise<Response>;
  postCommand(form: Record<string, string>): Promise<Response>;
  postShortcut(payload: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

export async function startSlackHarness(
  options: {
    socketMode?: boolean;
    ollama?: FakeOllamaOptions;
    env?: Record<string, string>;
    userLimit?: number;
    /** SLACK_FILE_HOSTS; the fake's own address by default, as files.slack.com. */
    fileHosts?: (slack: FakeSlack) => string[];
    /** The fake Slack's own options (its rate-limit tiers, for one). */
    fake?: FakeSlackOptions;
    /** The chat runtime's seams (an executor of the test's own, the ack-latency observer). */
    seams?: ChatRuntimeSeams;
  } = {},
): Promise<SlackHarness> {
  const [slack, ollama] = await Promise.all([startFakeSlack(options.fake), startFakeOllama(options.ollama)]);
  const config = loadConfig({
    OLLAMA_HOST: ollama.url,
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    RECAP_USER_LIMIT: String(options.userLimit ?? 100),
    RECAP_USER_WINDOW_S: '60',
    ...options.env,
  });
  const logs: string[] = [];
  const log = collectingLogger(logs);
  const recap = createRecap(config);
  const runtime = createChatRuntime(config, recap, log, { progressIntervalMs: 0, ...options.seams });
  const app = await startSlackApp({
    botToken: SLACK_BOT_TOKEN,
    ...(options.socketMode ? { appToken: SLACK_APP_TOKEN } : { signingSecret: SIGNING_SECRET }),
    port: 0,
    apiUrl: slack.apiUrl,
    // The fake serves private files from its own address, as files.slack.com does.
    fileHosts: options.fileHosts?.(slack) ?? [new URL(slack.url).host],
    runtime,
    fetchFile: recap.fetch,
    log,
  });
  const post: SlackHarness['post'] = (body, postOptions = {}) => {
    const timestamp = postOptions.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(`http://127.0.0.1:${app.port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': postOptions.contentType ?? 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': postOptions.signature ?? slackSignature(SIGNING_SECRET, timestamp, body),
        ...(postOptions.retryNum
          ? { 'x-slack-retry-num': String(postOptions.retryNum), 'x-slack-retry-reason': 'http_timeout' }
          : {}),
      },
      body,
    });
  };
  const form = 'application/x-www-form-urlencoded';
  return {
    slack,
    ollama,
    app,
    runtime,
    logs,
    post,
    postEvent: (body, retryNum) => post(JSON.stringify(body), retryNum ? { retryNum } : {}),
    postCommand: (fields) => post(new URLSearchParams(fields).toString(), { contentType: form }),
    postShortcut: (payload) =>
      post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), { contentType: form }),
    async close() {
      await runtime.stop();
      await app.stop();
      await Promise.all([slack.close(), ollama.close()]);
    },
  };
}

/**
 * The first update that took a placeholder past its progress line: its text (a summary's title and five
 * bullets, or what went wrong). Waits for it.
 */
export function placeholderOutcome(h: SlackHarness): Promise<string> {
  return waitFor(() => {
    const update = h.slack
      .callsTo('chat.update')
      .find((call) => !String(call.args.text ?? '').startsWith(':hourglass_flowing_sand:'));
    return update && String(update.args.text ?? '');
  });
}
