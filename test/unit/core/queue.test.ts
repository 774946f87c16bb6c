import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/core/queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('JobQueue', () => {
  it('runs jobs one at a time in the order they came', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 10 });
    const order: string[] = [];
    const gate = deferred();
    const signal = new AbortController().signal;
    const first = queue.run(async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
    }, signal);
    const second = queue.run(async () => void order.push('second'), signal);
    const third = queue.run(async () => void order.push('third'), signal);
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first:start', 'first:end', 'second', 'third']);
  });

  it('tells each waiting caller its position, and the new one as the line moves', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 10 });
    const gate = deferred();
    const signal = new AbortController().signal;
    const positions: number[] = [];
    const running = queue.run(() => gate.promise, signal);
    const secondGate = deferred();
    const second = queue.run(() => secondGate.promise, signal);
    const third = queue.run(
      async () => undefined,
      signal,
      (position) => positions.push(position),
    );
    expect(positions).toEqual([2]);
    gate.resolve();
    await running;
    expect(positions).toEqual([2, 1]);
    secondGate.resolve();
    await Promise.all([second, third]);
  });

  it('refuses a job at once when the line is full, saying it is busy', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 1 });
    const gate = deferred();
    const signal = new AbortController().signal;
    const running = queue.run(() => gate.promise, signal);
    const waiting = queue.run(async () => 'ran', signal);
    await expect(queue.run(async () => 'never', signal)).rejects.toMatchObject({
      code: 'queue_full',
      userMessage: expect.stringContaining('busy'),
    });
    gate.resolve();
    await running;
    await expect(waiting).resolves.toBe('ran');
  });

  it('lets a caller leave the line, and moves the others up', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 10 });
    const gate = deferred();
    const never = new AbortController().signal;
    const leaving = new AbortController();
    const positions: number[] = [];
    const running = queue.run(() => gate.promise, never);
    let ranLeaving = false;
    const left = queue.run(async () => {
      ranLeaving = true;
    }, leaving.signal);
    const stays = queue.run(
      async () => 'done',
      never,
      (position) => positions.push(position),
    );
    leaving.abort();
    await expect(left).rejects.toMatchObject({ code: 'cancelled' });
    expect(positions).toEqual([2, 1]);
    gate.resolve();
    await running;
    await expect(stays).resolves.toBe('done');
    expect(ranLeaving).toBe(false);
  });

  it('runs as many jobs at once as its concurrency allows', async () => {
    const queue = new JobQueue({ concurrency: 2, maxWaiting: 10 });
    const gate = deferred();
    const signal = new AbortController().signal;
    const jobs = [queue.run(() => gate.promise, signal), queue.run(() => gate.promise, signal)];
    const third = queue.run(() => gate.promise, signal);
    expect(queue.size).toEqual({ running: 2, waiting: 1 });
    gate.resolve();
    await Promise.all([...jobs, third]);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a job fails', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 10 });
    const signal = new AbortController().signal;
    await expect(queue.run(async () => Promise.reject(new Error('boom')), signal)).rejects.toThrow('boom');
    await expect(queue.run(async () => 'next', signal)).resolves.toBe('next');
  });

  it('leaves no abort listener behind on a long-lived signal after a burst, and never warns of too many', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 100 });
    const shutdown = new AbortController().signal;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const gate = deferred();
      const jobs = Array.from({ length: 50 }, () => queue.run(() => gate.promise, shutdown));
      expect(getEventListeners(shutdown, 'abort').length).toBeLessThanOrEqual(1);
      gate.resolve();
      await Promise.all(jobs);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(getEventListeners(shutdown, 'abort')).toHaveLength(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
