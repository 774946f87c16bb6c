import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * How long a spawned recap may take for each kind of step, on a two-core machine shared with other
 * test runs. Idle, starting takes about 1–3 s (Node, discord.js and Bolt loaded, a gateway login) and
 * an answer through the fake model well under 1 s; these limits allow a slowdown of 20× and more.
 * A wait fails early, with the program's output, when the program exits before the event.
 */
export const LIMITS = {
  /** From spawn to a line saying the program is up (bots logged in, or the model checked). */
  startMs: 60_000,
  /** One request answered once the program is up. */
  answerMs: 30_000,
  /** From SIGTERM or SIGINT (or a command that does not wait for anything) to the exit. */
  exitMs: 30_000,
};

/** The timeout for a test that waits for these steps: their limits, plus room to report the failure. */
export function budget(...steps: (keyof typeof LIMITS)[]): number {
  return steps.reduce((total, step) => total + LIMITS[step], 5_000);
}

export interface RunningRecap {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when `pattern` appears in the output (stderr unless told); rejects on exit or the limit. */
  waitForOutput(
    pattern: string | RegExp,
    options?: WaitOptions & { stream?: 'stdout' | 'stderr' },
  ): Promise<void>;
  /** Resolves when `check()` holds (for state outside the program, e.g. a fake's records). */
  waitUntil(check: () => unknown, what: string, options?: WaitOptions): Promise<void>;
  /** The exit code, rejecting with the output when the program has not exited within the limit. */
  exit(limitMs?: number): Promise<number | null>;
}

export interface WaitOptions {
  limitMs?: number;
}

/**
 * The built program (`node dist/main.js …`) with only the given environment, as a user would run it.
 * It runs in a temporary folder, so a developer's own .env file cannot change what a test sees.
 */
export function spawnRecap(
  args: string[],
  env: Record<string, string>,
  stdin: string | null = '',
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> = {},
): RunningRecap {
  return watch(
    spawn(process.execPath, [MAIN, ...args], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', ...env },
      ...options,
    }),
    stdin,
  );
}

/** Follows a spawned program's output and exit, so tests wait on what it does, never on the clock. */
export function watch(child: ChildProcess, stdin: string | null = ''): RunningRecap {
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
    changed();
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
    changed();
  });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    const ended = (exitCode: number | null) => {
      code ??= exitCode;
      resolve(code);
      changed();
    };
    // 'close', not 'exit': by then all of the program's output has been read.
    child.on('close', ended);
    // A program that could not be started (no permission to run node, say) never exits: it failed.
    child.on('error', (error) => {
      output.stderr += `could not run: ${error.message}\n`;
      ended(null);
    });
  });
  if (stdin !== null) child.stdin?.end(stdin);

  const describe = () =>
    `${code === undefined ? 'still running' : `exited with ${code}`}; stderr:\n${output.stderr}\nstdout:\n${output.stdout}`;

  /** Settles when `done()` holds, or fails when the program exits first (if `failOnExit`) or at the limit. */
  const waitFor = (done: () => boolean, what: string, limitMs: number, failOnExit: boolean, poll = false) =>
    new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        clearInterval(polling);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (done()) settle();
        else if (failOnExit && code !== undefined) settle(new Error(`exited before ${what}: ${describe()}`));
      };
      const timer = setTimeout(
        () => settle(new Error(`no ${what} within ${limitMs} ms: ${describe()}`)),
        limitMs,
      );
      // State outside the program (a fake's records) has no event of its own: look at it often.
      const polling = poll ? setInterval(check, 20) : undefined;
      listeners.add(check);
      check();
    });

  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitForOutput(pattern, options = {}) {
      const stream = options.stream ?? 'stderr';
      const found = () =>
        typeof pattern === 'string' ? output[stream].includes(pattern) : pattern.test(output[stream]);
      return waitFor(found, `${pattern} on ${stream}`, options.limitMs ?? LIMITS.startMs, true);
    },
    waitUntil(check, what, options = {}) {
      return waitFor(() => Boolean(check()), what, options.limitMs ?? LIMITS.answerMs, true, true);
    },
    async exit(limitMs = LIMITS.exitMs) {
      await waitFor(() => code !== undefined, 'exit', limitMs, false);
      return exited;
    },
  };
}
