/**
 * Snowflakes as Discord makes them (discord-api-docs, developers/reference.mdx, "Snowflakes"):
 * milliseconds since the Discord epoch (2015-01-01T00:00:00Z) shifted left by 22 bits, then worker,
 * process and a 12-bit increment. Ids therefore sort by time, which is what `before`/`after` rely on.
 */

export const DISCORD_EPOCH = 1_420_070_400_000;

// Module-wide so two fakes in one process never hand out the same id for the same millisecond.
let increment = 0;
let lastNow = 0;

/** A snowflake for a moment in the past or the present (seeded history, stored messages). */
export function snowflakeAt(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  increment = (increment + 1) % 4096;
  return String((BigInt(ms - DISCORD_EPOCH) << 22n) | BigInt(increment));
}

/** A snowflake for now, strictly greater than every one this process made for now before. */
export function nextSnowflake(): string {
  lastNow = Math.max(Date.now(), lastNow + (increment === 4095 ? 1 : 0));
  return snowflakeAt(lastNow);
}

/** The moment a snowflake was made. */
export function timeOf(id: string): Date {
  return new Date(Number(BigInt(id) >> 22n) + DISCORD_EPOCH);
}
