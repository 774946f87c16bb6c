import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { cancelledError } from '../errors.js';

export interface WorkerLimits {
  timeoutMs: number;
  /** The JavaScript heap the worker may use; beyond it the worker is stopped. */
  maxHeapMb: number;
  signal: AbortSignal;
}

export class WorkerLimitError extends Error {
  constructor(
    readonly limit: 'time' | 'memory' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** What a worker module posts back: its answer, or that it passed a limit it watches itself. */
export type WorkerMessage<T> =
  | { type: 'answer'; value: T }
  | { type: 'limit'; limit: 'memory'; message: string };

/**
 * Runs a worker module on untrusted input, stopped when it takes too long, uses too much heap,
 * reports a limit of its own, or the caller cancels, so one hostile file cannot stall or crash the
 * bot for everyone. `transfer` moves buffers to the worker instead of copying them (they are
 * detached here). The module posts one `WorkerMessage`.
 */
export function runWorker<T>(
  module: URL,
  data: unknown,
  limits: WorkerLimits,
  transfer: ArrayBuffer[] = [],
): Promise<T> {
  if (limits.signal.aborted) return Promise.reject(cancelledError(limits.signal.reason));
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(module, {
      workerData: data,
      transferList: transfer,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const fail = (limit: WorkerLimitError['limit'], message: string) =>
      finish(() => reject(new WorkerLimitError(limit, message)));
    const timer = setTimeout(() => fail('time', `gave up after ${limits.timeoutMs} ms`), limits.timeoutMs);
    const onAbort = () => finish(() => reject(cancelledError(limits.signal.reason)));
    limits.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage<T>) =>
      message.type === 'answer' ? finish(() => resolve(message.value)) : fail('memory', message.message),
    );
    worker.on('error', (error: Error & { code?: string }) =>
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? fail('memory', `used more than ${limits.maxHeapMb} MB of heap`)
        : fail('failed', error.message),
    );
    worker.on('exit', () => fail('failed', 'the parser stopped unexpectedly'));
  });
}

const require = createRequire(import.meta.url);

/** tsx's ESM API, as its package.json exports it ("./esm/api" → import). */
function tsxEsmApi(): string {
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  const entry = exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return new URL(entry, pathToFileURL(manifest)).href;
}

/**
 * The module of a worker that sits next to `from` (a module's `import.meta.url`): `name.js` in the
 * built program, `name.ts` when recap runs from source (the tests, through vitest; the benchmarks,
 * through tsx), so tests exercise the same module as production.
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/** A TypeScript module runs in a worker that registers tsx's loader first (a dev dependency). */
function startWorker(module: URL, options: WorkerOptions): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())})
  .then(({ register }) => register())
  .then(() => import(${JSON.stringify(module.href)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}
