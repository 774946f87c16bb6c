import { describe, expect, it } from 'vitest';
import type { Recap } from '../../../src/app.js';
import { localExecutor } from '../../../src/commands/job.js';
import type { ChatJob } from '../../../src/commands/request.js';
import { DeliveryPolicy, surfaceError } from '../../../src/commands/surface.js';
import { collectingLogger } from '../../helpers/logs.js';

/**
 * The README promises `stage` on every line about a request: the policy's lines say `send` (`deliver`
 * is kept for the answer delivered, which operators and the scale tests count).
 */
describe('DeliveryPolicy log lines', () => {
  it('carry stage=send: a failed try, a failed tidy-up and a failed progress update', async () => {
    const lines: string[] = [];
    const policy = new DeliveryPolicy(collectingLogger(lines), {
      attempts: 1,
      backoffMs: 1,
      maxWaitMs: 1,
      sleep: async () => undefined,
    });
    const refused = async () => {
      throw surfaceError('missing_permission');
    };
    await policy.send('summary', [
      { via: 'bot', send: refused },
      { via: 'direct', send: async () => undefined, tidy: refused },
    ]);
    await policy.try({ via: 'bot', send: refused });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/ stage=send\b/);
  });
});

describe('a job that cannot start or answer', () => {
  const job = (platform: 'discord' | 'slack'): ChatJob => ({
    version: 1,
    origin: { requestId: 'r1', platform, channel: 'C1', user: 'U1', receivedAt: 0 },
    command: { kind: 'summarize', ask: { kind: 'text', text: 'Notes.' } },
    target: {},
  });

  it('logs with its stage when no platform kit is attached, or the reply target is unusable', async () => {
    const lines: string[] = [];
    const executor = localExecutor({ recap: {} as Recap, log: collectingLogger(lines) });
    executor.attach('slack', {
      surface: () => {
        throw new Error('not a Slack target');
      },
      file: () => {
        throw new Error('no files here');
      },
    });
    await executor.execute(job('discord'), new AbortController().signal);
    await executor.execute(job('slack'), new AbortController().signal);
    expect(lines).toEqual([
      expect.stringMatching(/^error no discord kit is attached.* stage=accept/),
      expect.stringMatching(/^error the job's reply target is unusable: .*not a Slack target.* stage=send/),
    ]);
  });
});
