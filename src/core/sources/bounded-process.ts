import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cancelledError } from '../errors.js';

export interface ProcessLimits {
  timeoutMs: number;
  /** The JavaScript heap the parse may use (V8's --max-old-space-size). */
  maxHeapMb: number;
  /** All the memory the process may hold (resident set), heap and buffers together. */
  maxMemoryMb: number;
  signal: AbortSignal;
}

export class ParseLimitError extends Error {
  constructor(
    readonly limit: 'time' | 'memory' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** The exit code a bounded process uses when it stops itself at a memory limit it watches. */
export const MEMORY_LIMIT_EXIT = 70;

/**
 * Runs a module in a child process on untrusted input and returns the one message it sends back.
 * The process is killed when it takes too long or the caller cancels; it dies at its heap limit, or
 * stops itself at its memory limit (see `watchMemory`). A worker thread was not enough: a parse that
 * reached a worker's heap limit in a large allocation aborted the whole process (V8 fatal OOM), and
 * a thread's limits do not bound Buffers. A process's failure ends only that process.
 */
export function runBounded<T>(module: URL, data: unknown, limits: ProcessLimits): Promise<T> {
  if (limits.signal.aborted) return Promise.reject(cancelledError(limits.signal.reason));
  return new Promise<T>((resolve, reject) => {
    const child = start(module, limits);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      outcome();
    };
    const fail = (limit: ParseLimitError['limit'], message: string) =>
      finish(() => reject(new ParseLimitError(limit, message)));
    const timer = setTimeout(() => fail('time', `gave up after ${limits.timeoutMs} ms`), limits.timeoutMs);
    const onAbort = () => finish(() => reject(cancelledError(limits.signal.reason)));
    limits.signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: T) => finish(() => resolve(message)));
    child.on('error', (error) => fail('failed', error.message));
    child.on('exit', (code, signal) => {
      // V8 aborts the process when the heap is full; the process exits with MEMORY_LIMIT_EXIT when
      // its own watch finds too much memory in use.
      if (code === MEMORY_LIMIT_EXIT || signal === 'SIGABRT' || code === 134) {
        fail(
          'memory',
          `used more than its memory limit (${limits.maxMemoryMb} MB, heap ${limits.maxHeapMb} MB)`,
        );
      } else fail('failed', `the parser stopped unexpectedly (${signal ?? `exit code ${code}`})`);
    });
    child.send(data as never, (error) => {
      if (error) fail('failed', error.message);
    });
  });
}

const require = createRequire(import.meta.url);

function start(module: URL, limits: ProcessLimits): ChildProcess {
  return fork(fileURLToPath(module), [String(limits.maxMemoryMb)], {
    execArgv: [...loaderFor(module), `--max-old-space-size=${limits.maxHeapMb}`, '--max-semi-space-size=16'],
    serialization: 'advanced',
    // The child's own output (a V8 out-of-memory report) is not recap's log.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
}

/**
 * A module next to `from` (a module's `import.meta.url`): `name.js` in the built program, `name.ts`
 * when recap runs from source (the tests, through vitest; the benchmarks, through tsx), so tests
 * exercise the same module as production.
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/** A TypeScript module runs with tsx's loader (a dev dependency), named by its file URL. */
function loaderFor(module: URL): string[] {
  if (!module.pathname.endsWith('.ts')) return [];
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, string> };
  return ['--import', new URL(exports['.'] ?? './dist/loader.mjs', pathToFileURL(manifest)).href];
}

/**
 * In the child: exits with MEMORY_LIMIT_EXIT when the process holds more than `maxMemoryMb`
 * (resident set, buffers included), checked every 20 ms whenever the parser yields to the event loop.
 */
export function watchMemory(maxMemoryMb: number): void {
  setInterval(() => {
    if (process.memoryUsage.rss() > maxMemoryMb * 1024 * 1024) process.exit(MEMORY_LIMIT_EXIT);
  }, 20).unref();
}
