import { describe, expect, it } from 'vitest';
import { runWorker } from '../../../src/core/sources/bounded-worker.js';

const TEST_WORKER = new URL('../../helpers/test-worker.ts', import.meta.url);

const limits = (overrides: Partial<{ timeoutMs: number; maxHeapMb: number }> = {}) => ({
  timeoutMs: 10_000,
  maxHeapMb: 64,
  signal: new AbortController().signal,
  ...overrides,
});

const run = (behaviour: string, overrides = {}, value?: unknown, transfer: ArrayBuffer[] = []) =>
  runWorker<unknown>(TEST_WORKER, { behaviour, value }, limits(overrides), transfer);

describe('runWorker', () => {
  it('returns what the worker answers', async () => {
    await expect(run('answer', {}, { a: 5 })).resolves.toEqual({ a: 5 });
  });

  it('stops a worker that never finishes', async () => {
    await expect(run('loop', { timeoutMs: 1500 })).rejects.toMatchObject({ limit: 'time' });
  });

  it('stops a worker that uses too much heap, and the process lives on', async () => {
    await expect(run('heap', { maxHeapMb: 32, timeoutMs: 20_000 })).rejects.toMatchObject({
      limit: 'memory',
    });
    await expect(run('answer', {}, 'still here')).resolves.toBe('still here');
  });

  it('stops a worker whose buffers pass its cap, even when the parser swallows the error', async () => {
    await expect(run('buffers', { timeoutMs: 20_000 })).rejects.toMatchObject({ limit: 'memory' });
  });

  it('reports a worker that throws as a failure', async () => {
    await expect(run('throw')).rejects.toMatchObject({
      limit: 'failed',
      message: expect.stringContaining('bad file'),
    });
  });

  it('moves the bytes to the worker instead of copying them', async () => {
    const bytes = new Uint8Array(1024 * 1024);
    await expect(run('transfer', {}, bytes, [bytes.buffer])).resolves.toBe(1024 * 1024);
    expect(bytes.length).toBe(0);
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = runWorker(TEST_WORKER, { behaviour: 'loop' }, { ...limits(), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
