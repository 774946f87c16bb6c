/**
 * How long the event loop was held at a stretch, told apart from the machine's own load. A timer ticks
 * every few milliseconds; between two ticks, the loop was busy for at most the time that passed, and at
 * most the CPU time its thread spent meanwhile. A parser running on the loop for a second shows as a
 * second of both; a busy machine that does not schedule this thread shows as time passing with little
 * CPU spent, so it does not count. The thread's own CPU time, not the process's: on a loaded machine the
 * process's other threads (the garbage collector's helpers, the module loader's) added up to 60 ms
 * between two ticks while the loop itself waited for a core. monitorEventLoopDelay's figures (which
 * count everything) are kept beside it.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopFigures {
  /** The longest the loop was held by work at a stretch (ms). */
  longestHoldMs: number;
  /** The timer's delay as monitorEventLoopDelay saw it (ms): p99 and max, load of the machine included. */
  delayP99Ms: number;
  delayMaxMs: number;
}

export interface LoopWatch {
  stop(): LoopFigures;
}

const TICK_MS = 5;

/**
 * CPU milliseconds of the calling thread: Linux's per-thread scheduler statistics (its first field, in
 * nanoseconds, Documentation/scheduler/sched-stats.rst); elsewhere the whole process's, an upper bound.
 */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}

export function watchLoop(): LoopWatch {
  const delays = monitorEventLoopDelay({ resolution: TICK_MS });
  delays.enable();
  let longestHoldMs = 0;
  let lastAt = performance.now();
  let lastCpu = threadCpuMs();
  const tick = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuMs();
    longestHoldMs = Math.max(longestHoldMs, Math.min(now - lastAt, cpu - lastCpu));
    lastAt = now;
    lastCpu = cpu;
  }, TICK_MS);
  return {
    stop() {
      clearInterval(tick);
      delays.disable();
      return { longestHoldMs, delayP99Ms: delays.percentile(99) / 1e6, delayMaxMs: delays.max / 1e6 };
    },
  };
}
