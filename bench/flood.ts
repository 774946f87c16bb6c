/**
 * The flood of issue 8 (test/security/flood.ts): the worst input of every hostile class sent at once to
 * each app, through the real platform clients, while one person's /summarize is acknowledged again and
 * again. The figures: the person's acknowledgement with no flood and during it, side by side in one run,
 * and how long the event loop was held at a stretch while the flood was handled.
 */
import { type FloodFigures, type FloodTarget, measureFlood, median } from '../test/security/flood.js';
import { discordTarget, slackTarget } from '../test/security/flood-targets.js';

const ms = (value: number | undefined) => (value === undefined ? '   never' : value.toFixed(1).padStart(8));

function row(figures: FloodFigures): string {
  const { platform, requests, control, flooded, parses, overAfterMs, loop } = figures;
  return [
    platform.padEnd(8),
    String(requests).padStart(5),
    ms(median(control)),
    ms(median(flooded)),
    ms(Math.max(...flooded)),
    String(flooded.length).padStart(5),
    String(parses).padStart(6),
    ms(loop.longestHoldMs),
    ms(loop.delayP99Ms),
    ms(overAfterMs),
  ].join(' ');
}

export async function benchFlood(): Promise<void> {
  console.log('\nA flood of hostile input while a person asks (issue 8; ms)');
  console.log('platform flood  ack@rest ack@flood  ack max  asks parses loop hold delay p99  flood done');
  for (const start of [slackTarget, discordTarget]) {
    const target: FloodTarget = await start();
    try {
      console.log(row(await measureFlood(target)));
    } finally {
      await target.close();
    }
  }
  console.log(
    '(ack: median from the /summarize sent to its acknowledgement; "loop hold": the longest the event loop ' +
      'was held by work at a stretch, the machine\'s load set apart; "delay p99": monitorEventLoopDelay\'s, ' +
      'load included; "flood done": when the app last did something for the flood)',
  );
}
