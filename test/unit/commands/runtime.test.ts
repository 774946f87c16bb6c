import { describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../../src/commands/job.js';
import { type ChatJob, ChatJobSchema, type Origin } from '../../../src/commands/request.js';
import { ChatRuntime, type Intake } from '../../../src/commands/runtime.js';
import { DeliveryPolicy, type Route, surfaceError } from '../../../src/commands/surface.js';
import type { RecapError } from '../../../src/core/errors.js';
import { RateLimiter } from '../../../src/core/rate-limit.js';
import { collectingLogger } from '../../helpers/logs.js';

function policy(waits: number[] = []) {
  const lines: string[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  return {
    lines,
    policy: new DeliveryPolicy(collectingLogger(lines), {
      attempts: 3,
      backoffMs: 100,
      maxWaitMs: 5000,
      sleep,
    }),
  };
}

/** A route that fails with the given errors in turn, then works; it records each try. */
function route(via: string, failures: unknown[], tries: string[]): Route {
  return {
    via,
    async send() {
      tries.push(via);
      const failure = failures.shift();
      if (failure) throw failure;
    },
  };
}

describe('DeliveryPolicy', () => {
  it('tries a rate-limited route again after the wait it asks for, and a failing one after a growing pause', async () => {
    const waits: number[] = [];
    const tries: string[] = [];
    const { policy: p } = policy(waits);
    const sent = await p.send('summary', [
      route('bot', [surfaceError('rate_limited', { retryAfterMs: 1200 }), surfaceError('transient')], tries),
    ]);
    expect(sent).toEqual({ ok: true, via: 'bot' });
    expect(tries).toEqual(['bot', 'bot', 'bot']);
    expect(waits).toEqual([1200, 200]);
  });

  it('moves to the next route when one is refused for good, and never uses an expired credential again', async () => {
    const tries: string[] = [];
    const { policy: p } = policy();
    const first = await p.send('summary', [
      route('token', [surfaceError('surface_expired')], tries),
      route('bot', [surfaceError('missing_permission')], tries),
      route('direct', [], tries),
    ]);
    expect(first).toEqual({ ok: true, via: 'direct' });
    const second = await p.send('failure notice', [route('token', [], tries), route('direct', [], tries)]);
    expect(second).toEqual({ ok: true, via: 'direct' });
    expect(tries).toEqual(['token', 'bot', 'direct', 'direct']);
  });

  it('gives up on a route after its tries, or when it asks for a longer wait than allowed', async () => {
    const tries: string[] = [];
    const { policy: p } = policy();
    const transient = () => surfaceError('transient');
    const sent = await p.send('summary', [
      route('slow', [surfaceError('rate_limited', { retryAfterMs: 60_000 })], tries),
      route('flaky', [transient(), transient(), transient(), transient()], tries),
    ]);
    expect(sent.ok).toBe(false);
    expect(tries).toEqual(['slow', 'flaky', 'flaky', 'flaky']);
    expect(!sent.ok && (sent.error as RecapError).code).toBe('transient');
  });

  it('keeps the outcome when tidying up afterwards fails, and says so in the log', async () => {
    const { policy: p, lines } = policy();
    const sent = await p.send('summary', [
      {
        via: 'bot',
        send: async () => undefined,
        tidy: async () => Promise.reject(new Error('cannot delete')),
      },
    ]);
    expect(sent).toEqual({ ok: true, via: 'bot' });
    expect(lines.join('\n')).toMatch(
      /warn could not tidy up after the summary: Error: cannot delete via=bot/,
    );
  });

  it('skips progress on a credential that expired, without retrying progress', async () => {
    const tries: string[] = [];
    const { policy: p } = policy();
    await p.try(route('token', [surfaceError('surface_expired')], tries));
    await p.try(route('token', [], tries));
    await p.try(route('bot', [surfaceError('transient')], tries));
    expect(tries).toEqual(['token', 'bot']);
  });
});

const origin = (user = 'U1'): Origin => ({
  requestId: `R${Math.random()}`,
  platform: 'slack',
  guild: 'T1',
  channel: 'C1',
  user,
  receivedAt: 0,
});

interface Harness {
  runtime: ChatRuntime;
  jobs: ChatJob[];
  notices: string[];
  signals: AbortSignal[];
  lines: string[];
  release(): void;
}

/** A runtime whose executor records jobs and holds each until released. */
function runtimeWith(
  options: { limit?: number; gate?: (origin: Origin) => string | undefined } = {},
): Harness {
  const jobs: ChatJob[] = [];
  const signals: AbortSignal[] = [];
  const lines: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor: JobExecutor = {
    attach: () => undefined,
    async execute(job, signal) {
      jobs.push(job);
      signals.push(signal);
      await Promise.race([held, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
    },
  };
  const runtime = new ChatRuntime({
    executor,
    rateLimiter: new RateLimiter({ limit: options.limit ?? 100, windowMs: 60_000 }),
    log: collectingLogger(lines),
    gate: options.gate,
    policy: { attempts: 3, backoffMs: 1, maxWaitMs: 10 },
  });
  return { runtime, jobs, signals, lines, notices: [] as string[], release: () => release() };
}

function intake(
  h: Harness,
  overrides: Partial<Intake<{ placeholder: string }>> = {},
): Intake<{ placeholder: string }> {
  return {
    origin: origin(),
    request: { ok: true, value: { kind: 'summarize', ask: { kind: 'text', text: 'Notes.' } } },
    notice: (text) => [{ via: 'bot', send: async () => void h.notices.push(text) }],
    open: async () => ({ placeholder: '1.000' }),
    ...overrides,
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('ChatRuntime', () => {
  it('checks a request before charging the person: mistyped commands cost nothing', async () => {
    const h = runtimeWith({ limit: 1 });
    for (let i = 0; i < 6; i++) h.runtime.receive(intake(h, { request: { ok: false, problem: 'Usage: …' } }));
    h.runtime.receive(intake(h));
    await until(() => h.jobs.length === 1);
    h.runtime.receive(intake(h));
    await until(() => h.notices.length === 7);
    expect(h.notices.slice(0, 6)).toEqual(Array(6).fill('Usage: …'));
    expect(h.notices[6]).toMatch(/Please wait/);
    h.release();
  });

  it('refuses a place recap may not answer in before charging the person', async () => {
    const h = runtimeWith({ limit: 1, gate: (o) => (o.guild === 'T1' ? 'Not here.' : undefined) });
    h.runtime.receive(intake(h));
    h.runtime.receive(intake(h, { origin: { ...origin(), guild: 'T2' } }));
    await until(() => h.notices.length === 1 && h.jobs.length === 1);
    expect(h.notices).toEqual(['Not here.']);
    h.release();
  });

  it('hands the executor a job that survives JSON, with the target the adapter opened', async () => {
    const h = runtimeWith();
    h.runtime.receive(intake(h));
    await until(() => h.jobs.length === 1);
    const job = h.jobs[0] as ChatJob;
    expect(ChatJobSchema.parse(JSON.parse(JSON.stringify(job)))).toEqual(job);
    expect(job).toMatchObject({
      version: 1,
      command: { kind: 'summarize' },
      target: { placeholder: '1.000' },
    });
    h.release();
  });

  it('tells the person why when the placeholder cannot be posted, after retrying what may pass', async () => {
    const h = runtimeWith();
    let tries = 0;
    h.runtime.receive(
      intake(h, {
        open: async () => {
          tries += 1;
          if (tries === 1) throw surfaceError('transient');
          throw surfaceError('not_in_channel', { userMessage: 'Invite me with `/invite @recap`.' });
        },
      }),
    );
    await until(() => h.notices.length === 1);
    expect(h.notices).toEqual(['Invite me with `/invite @recap`.']);
    expect(tries).toBe(2);
    expect(h.jobs).toEqual([]);
  });

  it('on stop, stops the jobs under way, waits for them, and tells new requests it is restarting', async () => {
    const h = runtimeWith();
    h.runtime.receive(intake(h));
    h.runtime.receive(intake(h, { origin: origin('U2') }));
    await until(() => h.jobs.length === 2);
    // Each job has its own signal: a burst adds no listener to a shared one.
    expect(h.signals[0]).not.toBe(h.signals[1]);
    await h.runtime.stop();
    expect(h.signals.every((signal) => signal.aborted)).toBe(true);
    h.runtime.receive(intake(h));
    await until(() => h.notices.length === 1);
    expect(h.notices[0]).toMatch(/recap is restarting/);
  });

  it('logs every line about a request with its platform, request id and person', async () => {
    const h = runtimeWith();
    h.runtime.receive(intake(h, { request: { ok: false, problem: 'Usage: …' } }));
    await until(() => h.notices.length === 1);
    expect(h.lines[0]).toMatch(
      /^info refused: Usage: … platform=slack request=R[\d.]+ guild=T1 channel=C1 user=U1 stage=accept$/,
    );
  });
});
