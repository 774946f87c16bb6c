import { afterEach, describe, expect, it } from 'vitest';
import { renderForModel } from '../../src/core/summarize/chunking.js';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import {
  DOCUMENT_PROMPTS,
  MAX_ITEM_CHARS,
  TEMPLATE_TOKENS_PER_MESSAGE,
  TEMPLATE_TOKENS_PER_PROMPT,
} from '../../src/core/summarize/prompt.js';
import { createSummarizer, SUMMARY_ANSWER_TOKENS } from '../../src/core/summarize/summarizer.js';
import { estimateTokens } from '../../src/core/summarize/tokens.js';
import type { Document, Progress } from '../../src/core/types.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { googleMemo, qmsumMeeting } from '../helpers/fixtures.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

interface SetUp extends FakeOllamaOptions {
  numCtx?: number;
  maxModelCalls?: number;
}

async function setUp(options: SetUp = {}) {
  fake = await startFakeOllama(options);
  const model = createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 });
  const summarizer = createSummarizer({
    model,
    maxContext: options.numCtx ?? 8192,
    ...(options.maxModelCalls === undefined ? {} : { maxModelCalls: options.maxModelCalls }),
  });
  return { fake, model, summarizer };
}

const memo: Document = { title: googleMemo.title(), text: googleMemo.transcript(), source: { kind: 'text' } };
const run = () => ({ signal: new AbortController().signal });
const meeting: Document = {
  title: 'A product meeting',
  text: qmsumMeeting('ES2004a')
    .map((turn) => `${turn.speaker}: ${turn.content}`)
    .join('\n'),
  source: { kind: 'text' },
};

describe('the summarizer within its limits', () => {
  it('summarizes the 2.7k-token memo in one call at RECAP_NUM_CTX=4096, where it fits', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 4096 });
    const { stats } = await summarizer.summarize(memo, run());
    expect(stats).toMatchObject({ chunks: 1, modelCalls: 1 });
    expect(fake.chats[0]?.truncated).toBe(false);
    expect(fake.chats[0]?.numCtx).toBeLessThanOrEqual(4096);
  });

  it('bounds every bullet and note in the schema sent as format, so an answer always closes', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048 });
    await summarizer.summarize(meeting, run());
    const notes = fake.chats[0]?.format;
    const bullets = fake.chats.at(-1)?.format;
    expect(notes).toMatchObject({ properties: { notes: { items: { maxLength: MAX_ITEM_CHARS } } } });
    expect(bullets).toMatchObject({ properties: { bullets: { items: { maxLength: MAX_ITEM_CHARS } } } });
  });

  it('refuses a document whose plan needs more calls than RECAP_MAX_MODEL_CALLS, before any call', async () => {
    // The length alone allows 3 parts or more (6 calls), so 6 calls are let through to the split,
    // which finds 7 parts (14 calls).
    const { fake, summarizer } = await setUp({ numCtx: 2048, maxModelCalls: 6 });
    await expect(summarizer.summarize(meeting, run())).rejects.toMatchObject({
      code: 'input_too_large',
      userMessage: expect.stringMatching(/up to \d+ model calls \(\d+ parts.*RECAP_MAX_MODEL_CALLS/),
    });
    expect(fake.requests).not.toContain('POST /api/chat');
  });

  it('refuses from its length alone, before splitting it, a document that needs more calls than allowed', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048, maxModelCalls: 5 });
    await expect(summarizer.summarize(meeting, run())).rejects.toMatchObject({
      code: 'input_too_large',
      userMessage: expect.stringMatching(
        /at least 6 model calls \(3 parts or more.*more than the 5 .*RECAP_MAX_MODEL_CALLS/,
      ),
    });
    expect(fake.requests).not.toContain('POST /api/chat');
  });

  it('stops at RECAP_MAX_MODEL_CALLS when repairs would go past it', async () => {
    const { fake, summarizer } = await setUp({ maxModelCalls: 1 });
    fake.script({ kind: 'reply', content: 'not JSON' });
    await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({ code: 'input_too_large' });
    expect(fake.chats).toHaveLength(1);
  });

  it('lets a plan within RECAP_MAX_MODEL_CALLS run', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048, maxModelCalls: 20 });
    const { stats } = await summarizer.summarize(meeting, run());
    expect(stats.chunks).toBeGreaterThan(2);
    expect(fake.chats.length).toBe(stats.modelCalls);
    expect(stats.modelCalls).toBeLessThanOrEqual(20);
  });
});

/** Every answer without prompt_eval_count, as a proxy that drops the field sends them. */
const countsDropped = () => Array.from({ length: 30 }, () => ({ kind: 'no-count' as const }));
const versionAsked = (fake: FakeOllama) => fake.requests.includes('GET /api/version');

describe('an answer without prompt_eval_count is judged by what the server shows', () => {
  // At 4096 the memo is an optimistic single call: only recap's careful estimate says it may not fit.
  it.each(['0.12.6', '0.17.4', '1.0.0-rc1'])(
    'from Ollama %s, which refuses a prompt too long, the answer proves it was read whole',
    async (version) => {
      const { fake, summarizer } = await setUp({ numCtx: 4096, version });
      fake.script(...countsDropped());
      const { summary, stats } = await summarizer.summarize(memo, run());
      expect(summary.bullets).toHaveLength(5);
      expect(stats).toMatchObject({ chunks: 1, modelCalls: 1, promptTokens: 0 });
      expect(versionAsked(fake)).toBe(true);
    },
  );

  it.each([
    ['Ollama 0.12.5, which may cut', '0.12.5'],
    ['a server that does not say its version', null],
  ])(
    'from %s, a prompt within what even the estimate allows is taken as read whole',
    async (_name, version) => {
      const { fake, summarizer } = await setUp({ numCtx: 8192, version });
      fake.script(...countsDropped());
      const { stats } = await summarizer.summarize(memo, run());
      expect(stats).toMatchObject({ chunks: 1, modelCalls: 1 });
      expect(versionAsked(fake)).toBe(false);
    },
  );

  it.each([
    ['Ollama 0.12.5, which may cut', '0.12.5'],
    ['a build that knows no version (0.0.0)', '0.0.0'],
    ['a server that does not say its version', null],
  ])(
    'from %s, an optimistic single call gives way to the careful plan, whose parts fit by the estimate',
    async (_name, version) => {
      const { fake, summarizer } = await setUp({ numCtx: 4096, version });
      fake.script(...countsDropped());
      const { summary, stats } = await summarizer.summarize(memo, run());
      expect(summary.bullets).toHaveLength(5);
      expect(fake.chats[0]?.numCtx).toBe(4096);
      expect(stats.chunks).toBeGreaterThan(1);
      expect(stats.modelCalls).toBe(1 + stats.chunks + 1);
      expect(fake.chats).toHaveLength(stats.modelCalls);
    },
  );

  it('from Ollama 0.12.5, a careful call only the estimate says may not fit makes the plan be redone once', async () => {
    // A context just large enough for the memo in one call: the repair of a bad answer, a few dozen
    // tokens longer, then exceeds what the estimate allows.
    const single = DOCUMENT_PROMPTS.single(renderForModel(memo), memo.title, undefined);
    const estimated = single.reduce(
      (sum, message) => sum + estimateTokens(message.content) + TEMPLATE_TOKENS_PER_MESSAGE,
      TEMPLATE_TOKENS_PER_PROMPT,
    );
    const { fake, summarizer } = await setUp({
      numCtx: estimated + SUMMARY_ANSWER_TOKENS + 10,
      version: '0.12.5',
    });
    fake.script({ kind: 'reply', content: 'not JSON' }, ...countsDropped());
    const progress: Progress[] = [];
    const { summary, stats } = await summarizer.summarize(memo, {
      ...run(),
      onProgress: (p) => progress.push(p),
    });
    expect(summary.bullets).toHaveLength(5);
    expect(progress).toContainEqual({ stage: 'retrying', reason: 'the document is denser than estimated' });
    // The single call and its repair, then the redone plan: its parts and their merge.
    expect(fake.chats).toHaveLength(2 + stats.chunks + 1);
    expect(stats.chunks).toBeGreaterThan(1);
  });
});

describe("the model's context length", () => {
  it('is looked up once for everyone, and one caller leaving does not fail it for the others', async () => {
    const { fake, model } = await setUp({ showDelayMs: 200 });
    const leaving = new AbortController();
    const first = model.contextLength(leaving.signal);
    const second = model.contextLength(new AbortController().signal);
    leaving.abort(new Error('the start-up check gave up'));
    await expect(first).rejects.toMatchObject({ code: 'cancelled' });
    await expect(second).resolves.toBe(131072);
    await expect(model.contextLength(new AbortController().signal)).resolves.toBe(131072);
    expect(fake.requests.filter((route) => route === 'POST /api/show')).toHaveLength(1);
  });

  it('is looked up again after a failure, rather than failing forever', async () => {
    const { fake, model } = await setUp({ models: [] });
    await expect(model.contextLength(new AbortController().signal)).rejects.toMatchObject({
      code: 'model_missing',
    });
    await expect(model.contextLength(new AbortController().signal)).rejects.toMatchObject({
      code: 'model_missing',
    });
    expect(fake.requests.filter((route) => route === 'POST /api/show')).toHaveLength(2);
  });
});
