import { describe, expect, it } from 'vitest';
import { runBounded } from '../../../src/core/sources/bounded-process.js';

const TEST_CHILD = new URL('../../helpers/test-child.ts', import.meta.url);

const limits = (overrides: Partial<{ timeoutMs: number; maxHeapMb: number; maxMemoryMb: number }> = {}) => ({
  timeoutMs: 20_000,
  maxHeapMb: 64,
  maxMemoryMb: 256,
  signal: new AbortController().signal,
  ...overrides,
});

const run = (behaviour: string, overrides = {}, value?: unknown) =>
  runBounded<unknown>(TEST_CHILD, { behaviour, value }, limits(overrides));

describe('runBounded', () => {
  it('returns what the child sends back, bytes included', async () => {
    await expect(run('answer', {}, { a: 5 })).resolves.toEqual({ a: 5 });
    await expect(run('echo-length', {}, new Uint8Array(1024 * 1024))).resolves.toBe(1024 * 1024);
  });

  it('stops a child that never finishes', async () => {
    await expect(run('loop', { timeoutMs: 2000 })).rejects.toMatchObject({ limit: 'time' });
  });

  it('reports a child that fills its heap, and this process lives on', async () => {
    await expect(run('heap', { maxHeapMb: 48 })).rejects.toMatchObject({ limit: 'memory' });
    await expect(run('one-large-string', { maxHeapMb: 48 })).rejects.toMatchObject({ limit: 'memory' });
    await expect(run('answer', {}, 'still here')).resolves.toBe('still here');
  });

  it('stops a child whose buffers pass its cap, even when the parser swallows the error', async () => {
    await expect(run('buffers')).rejects.toMatchObject({ limit: 'memory' });
  });

  it('stops a child holding more memory than allowed in buffers Node made', async () => {
    await expect(run('native-buffers', { maxMemoryMb: 200 })).rejects.toMatchObject({ limit: 'memory' });
  });

  it('reports a child that throws as a failure', async () => {
    await expect(run('throw')).rejects.toMatchObject({ limit: 'failed' });
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = runBounded(TEST_CHILD, { behaviour: 'loop' }, { ...limits(), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
