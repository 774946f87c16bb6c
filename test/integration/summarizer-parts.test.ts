/**
 * The part runner seam (issue 13): a long document's parts written elsewhere, each with the same call,
 * checks and repair as here, while the summarizer keeps the plan, the call budget and the merge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/core/queue.js';
import { RecapService } from '../../src/core/service.js';
import { createOllamaModel, type LanguageModel } from '../../src/core/summarize/ollama-model.js';
import type { PartCall, PartRunner } from '../../src/core/summarize/part-runner.js';
import { PromptOverflow } from '../../src/core/summarize/plan.js';
import { createSummarizer, writePartNotes } from '../../src/core/summarize/summarizer.js';
import type { Document, Progress } from '../../src/core/types.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function model(): Promise<LanguageModel> {
  fake = await startFakeOllama({ parallel: 4, tokenDelayMs: 3 });
  return createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 });
}

/** About 6,000 tokens: several parts at a context of 2048. */
const long: Document = {
  title: 'Budget review',
  text: Array.from(
    { length: 400 },
    (_, i) => `Item ${i}: budget line ${i * 7} goes to owner ${i % 13}.`,
  ).join(' '),
  source: { kind: 'text' },
};

/** A runner that writes every part at once, here, as the workers would, and keeps what it was given. */
function concurrentRunner(llm: LanguageModel, given: PartCall[][]): PartRunner {
  return async (calls, run) => {
    given.push([...calls]);
    return Promise.all(
      calls.map(async (call) => {
        const notes = await writePartNotes(llm, call, run.signal);
        run.onDone();
        return notes;
      }),
    );
  };
}

/** A summarizer at a context of 2048 whose parts go to `concurrentRunner`, and what the runner was given. */
async function summarizerWithRunner() {
  const llm = await model();
  const given: PartCall[][] = [];
  return {
    summarizer: createSummarizer({ model: llm, maxContext: 2048, runParts: concurrentRunner(llm, given) }),
    given,
  };
}

describe('a long document through a part runner', () => {
  it('hands parts on for a summary the service may keep, never for one it may not (a recap)', async () => {
    const { summarizer, given } = await summarizerWithRunner();
    const service = new RecapService({
      summarizer,
      model: 'llama3.2',
      queue: new JobQueue({ concurrency: 2, maxWaiting: 10 }),
      cacheBytes: 1024 * 1024,
    });
    await service.summarize(long, { signal: new AbortController().signal, cacheable: false });
    expect(given).toEqual([]);
    await service.summarize(long, { signal: new AbortController().signal });
    expect(given).toHaveLength(1);
  });

  it('writes every part here when nothing of the document may be kept or handed on (a recap)', async () => {
    const { summarizer, given } = await summarizerWithRunner();
    const { summary, stats } = await summarizer.summarize(long, {
      signal: new AbortController().signal,
      keepsNothing: true,
    });
    expect(given).toEqual([]);
    expect(stats.chunks).toBeGreaterThan(1);
    expect(summary.bullets).toHaveLength(5);
  });

  it('gives every part to the runner at once, merges their notes, and counts their calls and progress', async () => {
    const { summarizer, given } = await summarizerWithRunner();
    const progress: Progress[] = [];
    const { summary, stats } = await summarizer.summarize(long, {
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
    });

    expect(summary.bullets).toHaveLength(5);
    expect(stats.chunks).toBeGreaterThan(2);
    expect(given).toHaveLength(1);
    expect(given[0]).toHaveLength(stats.chunks);
    expect(given[0]?.every((call) => call.maxContext === 2048 && call.scale === 1)).toBe(true);
    expect(fake?.maxInFlight).toBeGreaterThan(1);
    expect(stats.modelCalls).toBe(fake?.chats.length);
    const parts = progress.filter((p) => p.stage === 'summarizing');
    expect(parts).toHaveLength(stats.chunks);
    expect(parts.at(-1)).toEqual({ stage: 'summarizing', part: stats.chunks, parts: stats.chunks });
  });

  it('plans again with larger estimates when a part written elsewhere did not fit', async () => {
    const llm = await model();
    const given: PartCall[][] = [];
    const runner = concurrentRunner(llm, given);
    let first = true;
    const summarizer = createSummarizer({
      model: llm,
      maxContext: 2048,
      runParts: async (calls, run) => {
        if (!first) return runner(calls, run);
        first = false;
        given.push([...calls]);
        throw new PromptOverflow(1000, 1900, 2048, false);
      },
    });
    const { summary } = await summarizer.summarize(long, { signal: new AbortController().signal });

    expect(summary.bullets).toHaveLength(5);
    expect(given).toHaveLength(2);
    expect(given[1]?.[0]?.scale).toBeGreaterThan(1);
    expect(given[1]?.length).toBeGreaterThan(given[0]?.length ?? 0);
  });
});
