import { describe, expect, it } from 'vitest';
import { describeOutcome, HOSTILE, type HostileClass } from './hostile.js';

/**
 * Time grows at most linearly with the size of hostile input, and the parse still gives its correct
 * outcome at every size (a parser that gives up fast on large input is not linear, it is broken).
 * Each class is parsed at three sizes, each eight times the one before, and each size as often as
 * makes the same amount of input: linear work takes about as long at every size (ratios near 1);
 * quadratic work takes eight times longer at each step. Time is the CPU time the parse used, so that
 * waiting for a core on a busy machine does not count; rounds are interleaved and repeated so what is
 * left of the noise slows every size alike, and the fastest of each counts. The bound (3) leaves room
 * for noise and for the cost of more memory, and none for a quadratic parser. No absolute time is
 * asserted.
 */
const SIZES = [12_500, 100_000, 800_000] as const;
const MAX_RATIO = 3;
/**
 * Rounds end as soon as every ratio is within the bound: more of them cost time only on a busy
 * machine (the full suite beside other work), where 5 once left a linear parser at 3.3.
 */
const MAX_ROUNDS = 10;

/**
 * CPU milliseconds this process spent on `times` runs of `run` (its threads together, the garbage
 * collector's included). Not the wall clock: on a busy machine a run also waits for a core, and that
 * wait, larger for a longer measurement, is the machine's, not the parser's.
 */
async function timed(times: number, run: () => unknown): Promise<number> {
  const started = process.cpuUsage();
  for (let index = 0; index < times; index++) await run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Each measurement lasts at least this long, so the clock and the scheduler do not decide it. */
const MIN_MEASURE_MS = 50;

/** The same parse, refusals included, whose outcome the test checks separately. */
const settle = (hostile: HostileClass, input: string) => async () => {
  try {
    await hostile.parse(input);
  } catch {
    // a refusal's time counts like a result's
  }
};

/** The ratios of time per input at each size to the one before. */
async function growth(hostile: HostileClass, inputs: readonly string[]): Promise<number[]> {
  const largest = SIZES[SIZES.length - 1] ?? 1;
  const runs = settle(hostile, inputs[inputs.length - 1] ?? '');
  // Warm up (load and compile the parser), and find how many runs make a measurement long enough.
  await settle(hostile, inputs[0] ?? '')();
  const once = await timed(1, runs);
  const times = Math.min(200, Math.ceil(MIN_MEASURE_MS / Math.max(once, 0.1)));
  const best = SIZES.map(() => Number.POSITIVE_INFINITY);
  const ratios = () => best.slice(1).map((ms, index) => ms / (best[index] ?? ms));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const [index, size] of SIZES.entries()) {
      const ms = await timed((times * largest) / size, settle(hostile, inputs[index] ?? ''));
      best[index] = Math.min(best[index] ?? ms, ms);
    }
    if (ratios().every((ratio) => ratio <= MAX_RATIO)) break;
  }
  return ratios();
}

describe('hostile input: time grows at most linearly, with the right outcome at every size', () => {
  it.each(HOSTILE.map((hostile) => [hostile.name, hostile] as const))(
    '%s',
    { timeout: 180_000 },
    async (_, hostile) => {
      const inputs = SIZES.map((size) => hostile.make(size));
      for (const input of inputs) expect(await describeOutcome(hostile, input)).toMatch(hostile.outcome);
      const [smallToMedium, mediumToLarge] = await growth(hostile, inputs);
      expect(smallToMedium).toBeLessThanOrEqual(MAX_RATIO);
      expect(mediumToLarge).toBeLessThanOrEqual(MAX_RATIO);
    },
  );
});
