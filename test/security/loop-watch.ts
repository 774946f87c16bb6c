/**
 * How long the event loop was held at a stretch, told apart from the machine's own load. A timer ticks
 * every few milliseconds; between two ticks, the loop was busy for at most the time that passed, and at
 * most the CPU time this process spent meanwhile. A parser running on the loop for a second shows as a
 * second of both; a busy machine that does not schedule this process shows as time passing with little
 * CPU spent, so it does not count. monitorEventLoopDelay's figures (which count both) are kept beside it.
 */
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

export function watchLoop(): LoopWatch {
  const delays = monitorEventLoopDelay({ resolution: TICK_MS });
  delays.enable();
  let longestHoldMs = 0;
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = setInterval(() => {
    const now = performance.now();
    const spent = process.cpuUsage(lastCpu);
    const held = Math.min(now - lastAt, (spent.user + spent.system) / 1000);
    longestHoldMs = Math.max(longestHoldMs, held);
    lastAt = now;
    lastCpu = process.cpuUsage();
  }, TICK_MS);
  return {
    stop() {
      clearInterval(tick);
      delays.disable();
      return { longestHoldMs, delayP99Ms: delays.percentile(99) / 1e6, delayMaxMs: delays.max / 1e6 };
    },
  };
}
