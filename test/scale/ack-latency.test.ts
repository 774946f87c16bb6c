/**
 * The ack-latency metric (`recap_ack_seconds`) is the time from a request's arrival to its
 * acknowledgement written: Slack's HTTP response, Discord's deferral. What happens after the
 * acknowledgement (the claim and the limit on Redis, the placeholder) is no part of it.
 */
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/commands/request.js';
import { ChatRuntime, type Intake } from '../../src/commands/runtime.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { collectingLogger } from '../helpers/logs.js';
import { startSlackHarness } from '../helpers/slack-harness.js';
import { until } from './worker-harness.js';

interface Ack {
  platform: Platform;
  ms: number;
}

describe('the acknowledgement latency a front reports', () => {
  it('times every Slack request from its arrival to the response, refused or not, and nothing Slack did not send', async () => {
    const acks: Ack[] = [];
    const h = await startSlackHarness({
      seams: {
        // Nothing runs: the acknowledgements are what is looked at.
        executor: () => ({ attach: () => undefined, execute: async () => undefined }),
        onAcknowledged: (platform, ms) => void acks.push({ platform, ms }),
      },
    });
    try {
      const form = (text: string) => new URLSearchParams(h.slack.commandForm(text)).toString();
      const post = (text: string, timestamp?: number) =>
        h.post(form(text), {
          contentType: 'application/x-www-form-urlencoded',
          ...(timestamp ? { timestamp } : {}),
        });
      expect((await post('The board approved the budget.')).status).toBe(200);
      // A mistyped command is acknowledged too (its usage follows).
      expect((await post('')).status).toBe(200);
      // Signed ten minutes ahead: refused before Bolt sees it, and no acknowledgement of Slack's.
      expect((await post('Later.', Math.floor(Date.now() / 1000) + 600)).status).toBe(401);
      await until(() => acks.length >= 2);
      expect(acks.map((ack) => ack.platform)).toEqual(['slack', 'slack']);
      expect(acks.every((ack) => Number.isFinite(ack.ms) && ack.ms >= 0)).toBe(true);
    } finally {
      await h.close();
    }
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
