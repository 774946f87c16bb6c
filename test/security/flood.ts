/**
 * The flood of issue 8, through the real apps: Discord (discord.js over the fake gateway) and Slack (Bolt
 * in HTTP mode, signed requests), each sent at once the worst input of every hostile class (hostile.ts):
 * as an upload, as a link to a page, and chat text at the platform's message limits, while one person's
 * `/summarize` is timed from its send to its acknowledgement. The same `/summarize`, with no flood, is
 * the control. The event loop is watched throughout (loop-watch.ts). The apps and their flood are in
 * flood-targets.ts. Used by flood.test.ts and by `npm run bench -- flood`.
 */
import { type LoopWatch, watchLoop } from './loop-watch.js';

/** The person's `/summarize` during the flood: at least this many, one every ASK_EVERY_MS. */
const ASKS = 10;
const ASK_EVERY_MS = 50;
/** The flood is over once the app has done nothing for it (no call to the platform, no parse) this long. */
const FLOOD_OVER_AFTER_MS = 1000;
/** And in any case after this long (the figures then say so). */
const FLOOD_LIMIT_MS = 240_000;

/** An app under flood: what it is asked, and how. */
export interface FloodTarget {
  name: 'Slack' | 'Discord';
  /** One person's `/summarize`: milliseconds from its send to its acknowledgement. */
  ask(): Promise<number>;
  /** Makes the flood ready (files shared, requests built and signed), so that sending it costs little. */
  prepare(): Promise<Flood>;
  /** How many calls the app has made to the platform for the flood (the person asks elsewhere). */
  activity(): number;
  close(): Promise<void>;
}

export interface Flood {
  requests: number;
  /** Sends the whole flood at once; resolves once every request of it is acknowledged. */
  send(): Promise<void>;
}

export interface FloodFigures {
  platform: string;
  requests: number;
  /** The person's acknowledgements (ms) with no flood, then during it. */
  control: number[];
  flooded: number[];
  /** The most parse processes seen at once while the person asked: the asks overlapped the parsing. */
  parses: number;
  /** Milliseconds from the flood's send until the app had done all it does for it, or undefined. */
  overAfterMs: number | undefined;
  loop: ReturnType<LoopWatch['stop']>;
}

/** Child processes of this one: the parse processes (each file and page is parsed in one). */
const childProcesses = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;

/**
 * The control (the person's `/summarize` with nothing else going on), then the flood, sent at once, with
 * the person asking again and again while it is handled: at least ASKS times, until every request of the
 * flood has been acknowledged, and while files and pages of it are being parsed. The loop is watched
 * from the flood's send to the last ask.
 */
export async function measureFlood(target: FloodTarget): Promise<FloodFigures> {
  // The first requests load what the app loads lazily: not part of any figure.
  for (let warm = 0; warm < 2; warm++) await target.ask();
  const control: number[] = [];
  for (let index = 0; index < ASKS; index++) control.push(await target.ask());
  const flood = await target.prepare();
  const others = childProcesses();
  const loop = watchLoop();
  let sent = false;
  const sending = flood.send().then(() => {
    sent = true;
  });
  const flooded: number[] = [];
  const started = performance.now();
  let parses = 0;
  let lastActivity = { count: target.activity(), at: started };
  const over = () => {
    const now = performance.now();
    const running = childProcesses() - others;
    parses = Math.max(parses, running);
    if (running > 0 || target.activity() !== lastActivity.count)
      lastActivity = { count: target.activity(), at: now };
    return sent && now - lastActivity.at >= FLOOD_OVER_AFTER_MS;
  };
  while (flooded.length < ASKS || !over()) {
    if (performance.now() - started > FLOOD_LIMIT_MS) break;
    flooded.push(await target.ask());
    await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS));
  }
  const overAfterMs = over() ? lastActivity.at - started : undefined;
  await sending;
  const figures = { platform: target.name, requests: flood.requests, control, flooded, parses, overAfterMs };
  return { ...figures, loop: loop.stop() };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
