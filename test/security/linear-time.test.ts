import { describe, expect, it } from 'vitest';
import { HOSTILE, type HostileClass } from './hostile.js';

/**
 * Time grows at most linearly with the size of hostile input. Each class is parsed at a large size,
 * and eight times as often at an eighth of it: the same amount of input. Linear work takes about as long
 * either way (ratio near 1); quadratic work takes eight times longer at the large size. Rounds are
 * interleaved and repeated so a busy machine slows both alike, and the fastest of each counts. The
 * bound (3) leaves room for noise and for the cost of more memory, and none for a quadratic parser.
 * No absolute time is asserted.
 */
const SMALL = 50_000;
const GROWTH = 8;
const MAX_RATIO = 3;

/** Milliseconds for `times` runs of `run`. */
async function timed(times: number, run: () => unknown): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < times; index++) await run();
  return performance.now() - started;
}

/** Each measurement lasts at least this long, so the clock and the scheduler do not decide it. */
const MIN_MEASURE_MS = 50;

async function growth(hostile: HostileClass): Promise<number> {
  const small = hostile.make(SMALL);
  const large = hostile.make(SMALL * GROWTH);
  // Warm up (load and compile the parser), and find how many runs make a measurement long enough.
  await hostile.parse(small);
  const once = await timed(1, () => hostile.parse(large));
  const runs = Math.min(200, Math.ceil(MIN_MEASURE_MS / Math.max(once, 0.1)));
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    smallMs = Math.min(smallMs, await timed(runs * GROWTH, () => hostile.parse(small)));
    largeMs = Math.min(largeMs, await timed(runs, () => hostile.parse(large)));
    if (largeMs / smallMs <= MAX_RATIO) break;
  }
  return largeMs / smallMs;
}

describe('hostile input: time grows at most linearly', () => {
  it.each(HOSTILE.map((hostile) => [hostile.name, hostile] as const))(
    '%s',
    { timeout: 120_000 },
    async (_, hostile) => {
      expect(await growth(hostile)).toBeLessThanOrEqual(MAX_RATIO);
    },
  );
});
