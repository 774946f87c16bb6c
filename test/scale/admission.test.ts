import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../src/commands/job.js';
import type { ChatJob, Origin } from '../../src/commands/request.js';
import { ChatRuntime, type Intake } from '../../src/commands/runtime.js';
import { RedisPersonLimit, redisClaims } from '../../src/scale/admission.js';
import { connectRedis } from '../../src/scale/redis.js';
import { collectingLogger } from '../helpers/logs.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';

interface Front {
  runtime: ChatRuntime;
  jobs: ChatJob[];
  notices: string[];
  opened: number;
}

describe.skipIf(!HAS_REDIS)(`fronts sharing admission on Redis (${NO_REDIS_REASON})`, () => {
  let server: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = await connectRedis(server.url, 'REDIS_URL', 'producer');
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  /** A front: a runtime whose executor records the jobs it was given. */
  function front(prefix: string, limit = 100): Front {
    const state: Front = { runtime: undefined as unknown as ChatRuntime, jobs: [], notices: [], opened: 0 };
    const executor: JobExecutor = {
      attach: () => undefined,
      execute: async (job) => void state.jobs.push(job),
    };
    state.runtime = new ChatRuntime({
      executor,
      rateLimiter: new RedisPersonLimit(redis, prefix, { limit, windowMs: 600_000 }),
      claim: redisClaims(redis, prefix),
      log: collectingLogger([]),
    });
    return state;
  }

  const origin = (requestId: string, user = 'U1'): Origin => ({
    requestId,
    platform: 'slack',
    guild: 'T1',
    channel: 'C1',
    user,
    receivedAt: 0,
  });

  function intake(f: Front, requestId: string, user = 'U1'): Intake<{ ts: string }> {
    return {
      origin: origin(requestId, user),
      request: { ok: true, value: { kind: 'summarize', ask: { kind: 'text', text: 'Notes.' } } },
      notice: (text) => [{ via: 'bot', send: async () => void f.notices.push(text) }],
      open: async () => {
        f.opened += 1;
        return { ts: '1.0' };
      },
    };
  }

  it('runs an event sent to two fronts once: the second posts no placeholder and says nothing', async () => {
    const prefix = server.prefix();
    const [a, b] = [front(prefix), front(prefix)];
    a.runtime.receive(intake(a, 'Ev1'));
    b.runtime.receive(intake(b, 'Ev1'));
    await Promise.all([a.runtime.stop(), b.runtime.stop()]);
    expect(a.jobs.length + b.jobs.length).toBe(1);
    expect(a.opened + b.opened).toBe(1);
    expect([...a.notices, ...b.notices]).toEqual([]);
  });

  it('keeps one limit per person across fronts, and counts a repeated event once', async () => {
    const prefix = server.prefix();
    const [a, b] = [front(prefix, 2), front(prefix, 2)];
    a.runtime.receive(intake(a, 'Ev1'));
    b.runtime.receive(intake(b, 'Ev1'));
    await Promise.all([a.runtime.stop(), b.runtime.stop()]);
    const [c, d] = [front(prefix, 2), front(prefix, 2)];
    c.runtime.receive(intake(c, 'Ev2'));
    d.runtime.receive(intake(d, 'Ev3'));
    d.runtime.receive(intake(d, 'Ev4', 'U2'));
    await Promise.all([c.runtime.stop(), d.runtime.stop()]);
    expect(c.jobs.length + d.jobs.length).toBe(2);
    expect([...c.notices, ...d.notices]).toEqual([
      'You have asked for 2 summaries in a short time. Please wait 10 minutes and ask again.',
    ]);
  });

  it('keeps deployments apart by their prefix', async () => {
    const [a, b] = [front(server.prefix()), front(server.prefix())];
    a.runtime.receive(intake(a, 'Ev1'));
    b.runtime.receive(intake(b, 'Ev1'));
    await Promise.all([a.runtime.stop(), b.runtime.stop()]);
    expect([a.jobs.length, b.jobs.length]).toEqual([1, 1]);
  });

  it('tells the person when Redis cannot be reached, and runs nothing', async () => {
    const gone = await connectRedis(server.url, 'REDIS_URL', 'producer');
    gone.disconnect();
    const state: Front = { runtime: undefined as unknown as ChatRuntime, jobs: [], notices: [], opened: 0 };
    state.runtime = new ChatRuntime({
      executor: { attach: () => undefined, execute: async (job) => void state.jobs.push(job) },
      rateLimiter: new RedisPersonLimit(gone, 'x', { limit: 1, windowMs: 1000 }),
      claim: redisClaims(gone, 'x'),
      log: collectingLogger([]),
    });
    state.runtime.receive(intake(state, 'Ev1'));
    await state.runtime.stop();
    expect(state.jobs).toEqual([]);
    expect(state.notices).toEqual([
      'recap cannot reach its job queue right now. Please try again in a minute.',
    ]);
  });
});
