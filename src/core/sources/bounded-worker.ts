import { Worker } from 'node:worker_threads';
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

/**
 * Runs a parser on untrusted bytes in a worker thread that is stopped when it takes too long or uses
 * too much memory, so one hostile file cannot stall or crash the bot for everyone. `body` is the body
 * of an async function of `data` (CommonJS: it may `require`), whose result is sent back.
 */
export function runInWorker<T>(body: string, data: unknown, limits: WorkerLimits): Promise<T> {
  if (limits.signal.aborted) return Promise.reject(cancelledError(limits.signal.reason));
  const script = `const { parentPort, workerData } = require('node:worker_threads');
(async (data) => { ${body} })(workerData).then(
  (value) => parentPort.postMessage({ ok: true, value }),
  (error) => parentPort.postMessage({ ok: false, message: String((error && error.message) || error) }),
);`;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(script, {
      eval: true,
      workerData: data,
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
    const timer = setTimeout(
      () => finish(() => reject(new WorkerLimitError('time', `gave up after ${limits.timeoutMs} ms`))),
      limits.timeoutMs,
    );
    const onAbort = () => finish(() => reject(cancelledError(limits.signal.reason)));
    limits.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { ok: boolean; value?: T; message?: string }) =>
      finish(() =>
        message.ok
          ? resolve(message.value as T)
          : reject(new WorkerLimitError('failed', message.message ?? 'failed')),
      ),
    );
    worker.on('error', (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new WorkerLimitError('memory', `used more than ${limits.maxHeapMb} MB`)
            : new WorkerLimitError('failed', error.message),
        ),
      ),
    );
    worker.on('exit', () =>
      finish(() => reject(new WorkerLimitError('failed', 'the parser stopped unexpectedly'))),
    );
  });
}
