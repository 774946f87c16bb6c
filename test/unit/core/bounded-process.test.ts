import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBounded } from '../../../src/core/sources/bounded-process.js';

const TEST_CHILD = new URL('../../helpers/test-child.ts', import.meta.url);
const ANSWER_AND_EXIT = new URL('../../helpers/answer-and-exit-child.mjs', import.meta.url);

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

/** This process's child processes now (Linux: /proc lists each thread's children). */
function childPids(): number[] {
  const tasks = readdirSync(`/proc/${process.pid}/task`);
  return tasks.flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/** Whether a child has exited (a zombie, not yet reaped by this process, or already gone). */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Keeps this process busy, handling no event, until these children have all exited (20 s at most). */
function busyUntilExited(pids: number[]): void {
  const limit = Date.now() + 20_000;
  while (!pids.every(exited) && Date.now() < limit) {
    // Busy on purpose: the children's answers and exits pile up unread.
  }
}

describe.runIf(process.platform === 'linux')('runBounded with this process busy', () => {
  it('returns the answer of a child that exits the moment it has sent it, even when its exit is reaped first', async () => {
    // Node handles SIGCHLD after the other events of a turn, and then reaps every child that has exited.
    // The first child answers and exits while this process is busy, so its answer and its exit come in one
    // turn; its answer keeps this process busy until the other children have answered and exited too,
    // so their exits are reaped at the end of that turn, before their answers are read.
    const answer = (value: number) => runBounded<number>(ANSWER_AND_EXIT, value, limits());
    const first = answer(0);
    busyUntilExited(childPids());
    const before = new Set(childPids());
    const rest = [1, 2, 3, 4, 5].map(answer);
    const others = childPids().filter((pid) => !before.has(pid));
    expect(others).toHaveLength(5);
    const firstThenBusy = first.then((value) => {
      busyUntilExited(others);
      return value;
    });
    await expect(Promise.all([firstThenBusy, ...rest])).resolves.toEqual([0, 1, 2, 3, 4, 5]);
  });
});
