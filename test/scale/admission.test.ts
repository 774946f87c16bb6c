import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../src/commands/job.js';
import type { ChatJob, Origin } from '../../src/commands/request.js';
import { ChatRuntime, type Intake, type SharedAdmission } from '../../src/commands/runtime.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { RedisAdmission } from '../../src/scale/admission.js';
import { connectRedis } from '../../src/scale/redis.js';
import { collectingLogger } from '../helpers/logs.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';
import { until } from './worker-harness.js';

interface Front {
  runtime: ChatRuntime;
  jobs: ChatJob[];
  notices: string[];
  opened: number;
  /** What happened, in order: each acknowledgement and each batch asked of Redis. */
  events: string[];
}

const USAGE = 'Usage: /summarize <link or text>';
const UNREACHABLE = 'recap cannot reach its job queue right now. Please try again in a minute.';

/** Records each batch asked of Redis before passing it on. */
function recording(shared: SharedAdmission, events: string[]): SharedAdmission {
  return {
    admit(requests) {
      events.push(`redis ${requests.map((request) => request.origin.requestId).join(',')}`);
      return shared.admit(requests);
    },
  };
}

/** A front: a runtime whose executor records the jobs it was given. */
function frontOn(shared: SharedAdmission): Front {
  const state: Front = {
    runtime: undefined as unknown as ChatRuntime,
    jobs: [],
    notices: [],
    opened: 0,
    events: [],
  };
  const executor: JobExecutor = {
    attach: () => undefined,
    execute: async (job) => void state.jobs.push(job),
  };
  state.runtime = new ChatRuntime({
    executor,
    // A front's limit is the shared one: this one would refuse every second request.
    rateLimiter: new RateLimiter({ limit: 1, windowMs: 600_000 }),
    shared: recording(shared, state.events),
    log: collectingLogger([]),
  });
  return state;
}

const origin = (requestId: string, user = 'U1', platform: Origin['platform'] = 'slack'): Origin => ({
  requestId,
  platform,
  guild: 'T1',
  channel: 'C1',
  user,
  receivedAt: Date.now(),
});

/** A Slack request (acknowledged by the adapter before the runtime sees it). */
function intake(f: Front, requestId: string, user = 'U1', valid = true): Intake<{ ts: string }> {
  return {
    origin: origin(requestId, user),
    request: valid
      ? { ok: true, value: { kind: 'summarize', ask: { kind: 'text', text: 'Notes.' } } }
      : { ok: false, problem: USAGE },
    notice: (text) => [{ via: 'bot', send: async () => void f.notices.push(text) }],
    open: async () => {
      f.opened += 1;
      return { ts: '1.0' };
    },
  };
}

/** A Discord interaction: its acknowledgement (the deferral) is a call of its own, which the runtime makes. */
function interaction(f: Front, requestId: string, valid = true): Intake<{ ts: string }> {
  return {
    ...intake(f, requestId, 'U1', valid),
    origin: origin(requestId, 'U1', 'discord'),
    acknowledge: async () => void f.events.push(`ack ${requestId}`),
  };
}

/** A Unix socket that accepts connections and never answers: a Redis that has stopped (SIGSTOP, a hung host). */
async function silentServer(): Promise<{ path: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'recap-silent-'));
  const path = join(dir, 'redis.sock');
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

  const front = (prefix: string, limit = 100) =>
    frontOn(new RedisAdmission(redis, prefix, { limit, windowMs: 600_000 }));

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

  it('tells a mistyped request once, though two fronts received it, and charges nobody for it', async () => {
    const prefix = server.prefix();
    const [a, b] = [front(prefix, 1), front(prefix, 1)];
    a.runtime.receive(intake(a, 'Ev1', 'U1', false));
    b.runtime.receive(intake(b, 'Ev1', 'U1', false));
    a.runtime.receive(intake(a, 'Ev2'));
    await Promise.all([a.runtime.stop(), b.runtime.stop()]);
    expect([...a.notices, ...b.notices]).toEqual([USAGE]);
    expect(a.jobs).toHaveLength(1);
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

  it('acknowledges before asking Redis, and tells a refusal of the shared limit after the acknowledgement', async () => {
    const f = front(server.prefix(), 1);
    f.runtime.receive(interaction(f, 'I1'));
    f.runtime.receive(interaction(f, 'I2'));
    await f.runtime.stop();
    expect(f.events).toEqual(['ack I1', 'ack I2', 'redis I1,I2']);
    expect(f.jobs.map((job) => job.origin.requestId)).toEqual(['I1']);
    expect(f.notices).toEqual([
      'You have asked for 1 summaries in a short time. Please wait 10 minutes and ask again.',
    ]);
  });

  it('refuses a mistyped interaction at once, as its acknowledgement, without asking Redis', async () => {
    const f = front(server.prefix());
    f.runtime.receive(interaction(f, 'I1', false));
    await f.runtime.stop();
    expect(f.notices).toEqual([USAGE]);
    expect(f.events).toEqual([]);
  });

  it('asks Redis once for every request that arrived while acknowledgements were going out', async () => {
    const f = front(server.prefix());
    let acknowledged: () => void = () => undefined;
    void f.runtime.acknowledging(new Promise<void>((resolve) => (acknowledged = resolve)));
    for (let i = 0; i < 50; i++) f.runtime.receive(intake(f, `Ev${i}`, `U${i}`));
    // Some turns of the event loop while an acknowledgement is still under way: Redis is not asked yet.
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(f.events).toEqual([]);
    acknowledged();
    await until(() => f.jobs.length === 50);
    expect(f.events).toHaveLength(1);
    await f.runtime.stop();
  });

  it('tells the person when Redis cannot be reached, and runs nothing', async () => {
    const gone = await connectRedis(server.url, 'REDIS_URL', 'producer');
    gone.disconnect();
    const f = frontOn(new RedisAdmission(gone, 'x', { limit: 1, windowMs: 1000 }));
    f.runtime.receive(intake(f, 'Ev1'));
    await f.runtime.stop();
    expect(f.jobs).toEqual([]);
    expect(f.notices).toEqual([UNREACHABLE]);
  });

  it('tells the person when Redis stops answering, and runs nothing', async () => {
    const silent = await silentServer();
    // Its first command (the ready check) is never answered: later ones wait behind it, as behind a hung server.
    const stuck = new Redis({ path: silent.path });
    try {
      const f = frontOn(new RedisAdmission(stuck, 'x', { limit: 1, windowMs: 1000, timeoutMs: 200 }));
      f.runtime.receive(intake(f, 'Ev1'));
      await f.runtime.stop();
      expect(f.jobs).toEqual([]);
      expect(f.notices).toEqual([UNREACHABLE]);
    } finally {
      stuck.disconnect();
      silent.close();
    }
  });
});
