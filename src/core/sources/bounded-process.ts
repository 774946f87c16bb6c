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
 *
 * The outcome is settled on 'close', once the process has ended and its IPC channel has been read to
 * the end, never on 'exit': Node reaps every child that has exited when it handles SIGCHLD, so a child
 * that sent its answer and exited at once can be reported as exited before its message is read (docs:
 * "When the 'exit' event is triggered, child process stdio streams might still be open"). Settling on
 * 'close' also means a parse's slot is given back only once its process is gone.
 */
export function runBounded<T>(module: URL, data: unknown, limits: ProcessLimits): Promise<T> {
  if (limits.signal.aborted) return Promise.reject(cancelledError(limits.signal.reason));
  return new Promise<T>((resolve, reject) => {
    const child = start(module, limits);
    let outcome: (() => void) | undefined;
    /** The first of the answer, the time limit, a cancel or a failure decides; the process is ended. */
    const decide = (settle: () => void) => {
      if (outcome) return;
      outcome = settle;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
    };
    const fail = (limit: ParseLimitError['limit'], message: string) =>
      decide(() => reject(new ParseLimitError(limit, message)));
    const timer = setTimeout(() => fail('time', `gave up after ${limits.timeoutMs} ms`), limits.timeoutMs);
    const onAbort = () => decide(() => reject(cancelledError(limits.signal.reason)));
    limits.signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: T) => decide(() => resolve(message)));
    child.on('close', (code, signal) => {
      decide(() => reject(exitFailure(code, signal, limits)));
      outcome?.();
    });
    // A child that could not be started, or not be killed, may never close: settle now.
    child.on('error', (error) => {
      fail('failed', error.message);
      outcome?.();
    });
    child.send(data as never, (error) => {
      if (error) fail('failed', error.message);
    });
  });
}

/** Why a process that ended without answering ended. */
function exitFailure(code: number | null, signal: NodeJS.Signals | null, limits: ProcessLimits) {
  // V8 aborts the process when the heap is full; the process exits with MEMORY_LIMIT_EXIT when its own
  // watch finds too much memory in use.
  if (code === MEMORY_LIMIT_EXIT || signal === 'SIGABRT' || code === 134) {
    return new ParseLimitError(
      'memory',
      `used more than its memory limit (${limits.maxMemoryMb} MB, heap ${limits.maxHeapMb} MB)`,
    );
  }
  return new ParseLimitError('failed', `the parser stopped unexpectedly (${signal ?? `exit code ${code}`})`);
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
