/** A worker module for bounded-worker's tests: it does what `workerData.behaviour` says. */
import { parentPort, workerData } from 'node:worker_threads';
import { capAllocations } from '../../src/core/sources/allocation-cap.js';
import type { WorkerMessage } from '../../src/core/sources/bounded-worker.js';

const { behaviour, value } = workerData as { behaviour: string; value?: unknown };
const post = (message: WorkerMessage<unknown>) => parentPort?.postMessage(message);

if (behaviour === 'answer') post({ type: 'answer', value });
if (behaviour === 'loop') for (;;) {}
if (behaviour === 'heap') {
  const keep: unknown[] = [];
  for (;;) keep.push(new Array(1e6).fill({ x: Math.random() }));
}
if (behaviour === 'buffers') {
  capAllocations(64 * 1024 * 1024, () =>
    post({ type: 'limit', limit: 'memory', message: 'too many buffers' }),
  );
  const keep: Uint8Array[] = [];
  try {
    for (;;) keep.push(new Uint8Array(16 * 1024 * 1024));
  } catch {
    // A parser that swallows the error gets nothing more, and is stopped all the same.
    for (;;) {}
  }
}
if (behaviour === 'throw') throw new Error('bad file');
if (behaviour === 'transfer') post({ type: 'answer', value: (value as Uint8Array).length });
