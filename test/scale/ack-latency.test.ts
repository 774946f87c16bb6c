/**
 * The ack-latency metric (`recap_ack_seconds`) is the time from a request's arrival to its
 * acknowledgement written: Slack's HTTP response, Discord's deferral. What happens after the
 * acknowledgement (the claim and the limit on Redis, the placeholder) is no part of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createChatRuntime, createRecap } from '../../src/app.js';
import { type SlackApp, startSlackApp } from '../../src/bots/slack/app.js';
import type { Platform } from '../../src/commands/request.js';
import { ChatRuntime, type Intake } from '../../src/commands/runtime.js';
import { loadConfig } from '../../src/config.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import {
  type FakeSlack,
  SIGNING_SECRET,
  SLACK_BOT_TOKEN,
  slackSignature,
  startFakeSlack,
} from '../fakes/slack.js';
import { collectingLogger } from '../helpers/logs.js';
import { until } from './worker-harness.js';

interface Ack {
  platform: Platform;
  ms: number;
}

describe('the acknowledgement latency a front reports', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function slackFront(acks: Ack[]): Promise<{ slack: FakeSlack; app: SlackApp }> {
    const slack = await startFakeSlack();
    const config = loadConfig({ OLLAMA_HOST: 'http://127.0.0.1:9', RECAP_USER_LIMIT: '100' });
    const recap = createRecap(config);
    const log = collectingLogger([]);
    const runtime = createChatRuntime(config, recap, log, {
      // Nothing runs: the acknowledgements are what is looked at.
      executor: () => ({ attach: () => undefined, execute: async () => undefined }),
      onAcknowledged: (platform, ms) => void acks.push({ platform, ms }),
    });
    const app = await startSlackApp({
      botToken: SLACK_BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      port: 0,
      apiUrl: slack.apiUrl,
      fileHosts: [],
      runtime,
      fetchFile: recap.fetch,
      log,
    });
    closers.push(async () => {
      await runtime.stop();
      await app.stop();
      await slack.close();
    });
    return { slack, app };
  }

  const post = (port: number | undefined, body: string, timestamp = Math.floor(Date.now() / 1000)) =>
    fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
      },
      body,
    });

  it('times every Slack request from its arrival to the response, refused or not, and nothing Slack did not send', async () => {
    const acks: Ack[] = [];
    const { slack, app } = await slackFront(acks);
    const form = (text: string) => new URLSearchParams(slack.commandForm(text)).toString();
    expect((await post(app.port, form('The board approved the budget.'))).status).toBe(200);
    // A mistyped command is acknowledged too (its usage follows).
    expect((await post(app.port, form(''))).status).toBe(200);
    // Signed ten minutes ahead: refused before Bolt sees it, and no acknowledgement of Slack's.
    const ahead = Math.floor(Date.now() / 1000) + 600;
    expect((await post(app.port, form('Later.'), ahead)).status).toBe(401);
    await until(() => acks.length >= 2);
    expect(acks.map((ack) => ack.platform)).toEqual(['slack', 'slack']);
    expect(acks.every((ack) => Number.isFinite(ack.ms) && ack.ms >= 0)).toBe(true);
  });

  it('times a Discord request from its arrival to its deferral, before Redis is asked anything', async () => {
    const acks: Ack[] = [];
    const order: string[] = [];
    let defer: () => void = () => undefined;
    const runtime = new ChatRuntime({
      executor: { attach: () => undefined, execute: async () => undefined },
      rateLimiter: new RateLimiter({ limit: 10, windowMs: 60_000 }),
      shared: {
        async admit(requests) {
          order.push('redis');
          return requests.map(() => ({ kind: 'admitted' }));
        },
      },
      onAcknowledged: (platform, ms) => {
        order.push('acknowledged');
        acks.push({ platform, ms });
      },
      log: collectingLogger([]),
    });
    const intake: Intake<string> = {
      origin: {
        requestId: 'I1',
        platform: 'discord',
        channel: 'C1',
        user: 'U1',
        receivedAt: Date.now() - 1000,
      },
      request: { ok: true, value: { kind: 'summarize', ask: { kind: 'text', text: 'Notes.' } } },
      acknowledge: () => new Promise<void>((resolve) => (defer = resolve)),
      notice: () => [],
      open: async () => 'placeholder',
    };
    runtime.receive(intake);
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    defer();
    await until(() => order.length === 2);
    await runtime.stop();
    expect(order).toEqual(['acknowledged', 'redis']);
    expect(acks).toHaveLength(1);
    expect(acks[0]?.platform).toBe('discord');
    // From the interaction's arrival (a second before it was handed over), not from the hand-over.
    expect(acks[0]?.ms).toBeGreaterThanOrEqual(1000);
  });
});
