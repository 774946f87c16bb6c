import { describe, expect, it } from 'vitest';
import { runInWorker } from '../../../src/core/sources/bounded-worker.js';

const limits = (overrides: Partial<{ timeoutMs: number; maxHeapMb: number }> = {}) => ({
  timeoutMs: 5000,
  maxHeapMb: 64,
  signal: new AbortController().signal,
  ...overrides,
});

describe('runInWorker', () => {
  it('returns what the parser returns', async () => {
    await expect(runInWorker<number>('return data.a + data.b;', { a: 2, b: 3 }, limits())).resolves.toBe(5);
  });

  it('stops a parser that never finishes', async () => {
    await expect(runInWorker('for (;;) {}', null, limits({ timeoutMs: 300 }))).rejects.toMatchObject({
      limit: 'time',
    });
  });

  it('stops a parser that uses too much memory, and the process lives on', async () => {
    const hog = 'const keep = []; for (;;) keep.push(new Array(1e6).fill({ x: Math.random() }));';
    await expect(runInWorker(hog, null, limits({ maxHeapMb: 32, timeoutMs: 20_000 }))).rejects.toMatchObject({
      limit: 'memory',
    });
    await expect(runInWorker<string>('return "still here";', null, limits())).resolves.toBe('still here');
  });

  it('reports a parser error as a failure', async () => {
    await expect(runInWorker('throw new Error("bad file");', null, limits())).rejects.toMatchObject({
      limit: 'failed',
      message: 'bad file',
    });
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = runInWorker('for (;;) {}', null, { ...limits(), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
