/** A child-process module for bounded-process's tests: it does what its message's `behaviour` says. */
import { capAllocations } from '../../src/core/sources/allocation-cap.js';
import { MEMORY_LIMIT_EXIT, watchMemory } from '../../src/core/sources/bounded-process.js';

watchMemory(Number(process.argv[2]));

process.once('message', async ({ behaviour, value }: { behaviour: string; value?: unknown }) => {
  if (behaviour === 'answer') process.send?.(value);
  if (behaviour === 'echo-length') process.send?.((value as Uint8Array).length);
  if (behaviour === 'loop') for (;;) {}
  if (behaviour === 'heap') {
    const keep: string[] = [];
    for (;;) keep.push(`${'x'.repeat(1000)}${Math.random()}`);
  }
  if (behaviour === 'one-large-string') {
    // One allocation far past the heap: what aborted the whole process from a worker thread.
    const lines = Array.from({ length: 20_000_000 }, (_, i) => `line ${i}`);
    process.send?.(lines.length);
  }
  if (behaviour === 'buffers') {
    capAllocations(64 * 1024 * 1024, () => process.exit(MEMORY_LIMIT_EXIT));
    const keep: Uint8Array[] = [];
    try {
      for (;;) keep.push(new Uint8Array(16 * 1024 * 1024));
    } catch {
      // A parser that swallows the error gets nothing more: the process has already stopped.
      for (;;) {}
    }
  }
  if (behaviour === 'native-buffers') {
    // Buffers made by Node itself are not counted by capAllocations; the memory watch sees them.
    const keep: Buffer[] = [];
    for (;;) {
      keep.push(Buffer.alloc(32 * 1024 * 1024, 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (behaviour === 'throw') throw new Error('bad file');
});
