import { describe, expect, it } from 'vitest';
import { HOSTILE, type HostileClass } from './hostile.js';

/**
 * Time grows at most linearly with the size of hostile input. Each class is parsed once at a large
 * size, and eight times at an eighth of it: the same amount of input. Linear work takes about as long
 * either way (ratio near 1); quadratic work takes eight times longer at the large size. Rounds are
 * interleaved and repeated so a busy machine slows both alike, and the fastest of each counts. The
 * bound (3) leaves room for noise and for the cost of more memory, and none for a quadratic parser.
 * No absolute time is asserted.
 */
const SMALL = 50_000;
const GROWTH = 8;
const MAX_RATIO = 3;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function growth(hostile: HostileClass): Promise<number> {
  const small = hostile.make(SMALL);
  const large = hostile.make(SMALL * GROWTH);
  // Warm up: load and compile the parser before timing it.
  await hostile.parse(small);
  await hostile.parse(large);
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 4; round++) {
    smallMs = Math.min(
      smallMs,
      await timed(async () => {
        for (let run = 0; run < GROWTH; run++) await hostile.parse(small);
      }),
    );
    largeMs = Math.min(largeMs, await timed(async () => hostile.parse(large)));
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
