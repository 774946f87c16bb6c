import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/core/sources/parse-file.js';
import type { LanguageModel, ModelChatAnswer } from '../../src/core/summarize/ollama-model.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document } from '../../src/core/types.js';
import { threadCpuMs } from './loop-watch.js';

/**
 * A summary never holds the event loop for long, however long the document: while it plans, the
 * bot must go on acknowledging other requests. Each class is summarized at a size and at eight times
 * it, and the longest stretch the event loop could not turn is compared: work done in one piece grows
 * eight times with the input (a 20 MB line held it for seconds); work done in slices, or refused from
 * the length alone, does not grow. Each size is measured a few times and the best counts, so a busy
 * machine does not decide it; the floor keeps scheduling noise from counting. No absolute time is
 * asserted.
 */
const SMALL = 1_000_000;
const GROWTH = 8;
const MAX_RATIO = 3;
const FLOOR_MS = 20;
const CONTEXT = 8192;

/** A model that answers every call at once (on the next turn of the event loop, as a socket would). */
const instantModel: LanguageModel = {
  name: 'instant',
  host: 'http://127.0.0.1:1',
  contextLength: async () => CONTEXT,
  refusesOverflow: async () => true,
  async chat(): Promise<ModelChatAnswer> {
    await new Promise((resolve) => setImmediate(resolve));
    const content = JSON.stringify({ notes: ['a note'], bullets: ['a', 'b', 'c', 'd', 'e'] });
    const timings = { totalMs: 0, loadMs: 0, promptEvalMs: 0, evalMs: 0 };
    return { content, promptEvalCount: 1, evalCount: 1, doneReason: 'stop', timings };
  },
};

interface StallClass {
  name: string;
  /** The most model calls one summary may take: few, so the document is refused, or plenty. */
  maxModelCalls: number;
  /** The document, of about `size` characters. */
  make(size: number): Promise<Document>;
  /** What the summary must end in, so the class measures what it says. */
  outcome: string;
}

/** A flat string (String.repeat builds a rope that the first read flattens in one piece). */
const flat = (text: string) => Buffer.from(text).toString('utf8');
const textDocument = async (text: string): Promise<Document> => ({ text, source: { kind: 'text' } });

/**
 * A .vtt file as recap reads it (parsed in this thread here: the parse is not what is measured). Its
 * cues become timed segments, which the summary renders as `[m:ss] Speaker: text` lines a block at a
 * time: read through a lazy rendering a character at a time, the split of one long cue took seconds
 * and held the loop for over 100 ms at a stretch.
 */
const captionDocument = (vtt: string): Promise<Document> => {
  const bytes = Buffer.from(vtt);
  const source = { kind: 'file', name: 'a.vtt' } as const;
  const limits = { maxExpandedBytes: 1e9, maxTextBytes: 1e9 };
  return parseFile({ format: 'vtt', name: 'a.vtt', bytes, source, limits });
};
/** A .vtt file's header and its first cue's timing line. */
const CUE = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n';
/** A cue's time as `h:mm:ss.000`, past a day for a long file. */
const cueTime = (seconds: number) => {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${Math.floor(seconds / 3600)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.000`;
};

const CLASSES: StallClass[] = [
  {
    name: 'a one-line document far over RECAP_MAX_MODEL_CALLS, refused',
    maxModelCalls: 50,
    make: (size) => textDocument(flat('0123456789'.repeat(size / 10))),
    outcome: 'input_too_large',
  },
  {
    name: 'a one-line document of words within RECAP_MAX_MODEL_CALLS, split and summarized',
    maxModelCalls: 100_000,
    make: (size) => textDocument(flat('many words on one line '.repeat(size / 23))),
    outcome: 'summarized',
  },
  {
    name: 'a one-line document of Chinese characters within RECAP_MAX_MODEL_CALLS',
    maxModelCalls: 100_000,
    make: (size) =>
      textDocument(
        flat(Array.from({ length: size / 4 }, (_, i) => String.fromCodePoint(0x4e00 + (i % 8000))).join('')),
      ),
    outcome: 'summarized',
  },
  {
    name: 'a caption file (.vtt) of one cue of many short sentences, one line for the model',
    maxModelCalls: 100_000,
    make: (size) => captionDocument(`${CUE}${'Many words here.\n'.repeat(size / 17)}`),
    outcome: 'summarized',
  },
  {
    name: 'a caption file (.vtt) of many short cues of two speakers, merged into lines of sentences',
    maxModelCalls: 100_000,
    make: (size) => {
      // Without a sentence end at its close, a paragraph runs to PARAGRAPH.maxChars: about four cues.
      const cue = (index: number) =>
        `${cueTime(index * 2)} --> ${cueTime(index * 2 + 2)}\n` +
        `<v ${index % 40 < 20 ? 'Ana' : 'Bo'}>Yes. No. So ${index}. Right. Sure. Fine. Well\n`;
      return captionDocument(
        `WEBVTT\n\n${Array.from({ length: size / 90 }, (_, index) => cue(index)).join('\n')}`,
      );
    },
    outcome: 'summarized',
  },
];

/**
 * The longest the event loop went without turning while `run` ran, in ms: between two ticks, the time
 * that passed or the CPU time this thread spent meanwhile, whichever is less (loop-watch.ts), so a
 * machine too busy to schedule the thread does not count as work. The last stretch counts too: work
 * done in one piece may end before the ticker ever fires.
 */
async function longestStall(run: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = { at: performance.now(), cpu: threadCpuMs() };
  const held = () => {
    const now = { at: performance.now(), cpu: threadCpuMs() };
    longest = Math.max(longest, Math.min(now.at - last.at, now.cpu - last.cpu));
    last = now;
  };
  const ticker = setInterval(held, 1);
  try {
    await run();
    held();
    return longest;
  } finally {
    clearInterval(ticker);
  }
}

async function summarize(stall: StallClass, document: Document): Promise<string> {
  const summarizer = createSummarizer({
    model: instantModel,
    maxContext: CONTEXT,
    maxModelCalls: stall.maxModelCalls,
  });
  return summarizer.summarize(document, { signal: new AbortController().signal }).then(
    () => 'summarized',
    (error: { code?: string }) => error.code ?? String(error),
  );
}

async function bestStall(stall: StallClass, document: Document): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    let outcome = '';
    best = Math.min(best, await longestStall(async () => (outcome = await summarize(stall, document))));
    expect(outcome).toBe(stall.outcome);
    if (best <= FLOOR_MS) break;
  }
  return best;
}

describe('hostile input: a summary never holds the event loop for long', () => {
  it.each(CLASSES.map((stall) => [stall.name, stall] as const))(
    '%s',
    { timeout: 120_000 },
    async (_, stall) => {
      const small = await bestStall(stall, await stall.make(SMALL));
      const large = await bestStall(stall, await stall.make(SMALL * GROWTH));
      expect(large / Math.max(small, FLOOR_MS)).toBeLessThanOrEqual(MAX_RATIO);
    },
  );
});
