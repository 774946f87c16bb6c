import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import { MAX_ITEM_CHARS } from '../../src/core/summarize/prompt.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document } from '../../src/core/types.js';
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

  it('refuses a missing prompt_eval_count as unverifiable, without planning again', async () => {
    const { fake, summarizer } = await setUp();
    fake.script({ kind: 'no-count' });
    await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({
      code: 'prompt_truncated',
      userMessage: expect.stringContaining('prompt_eval_count'),
    });
    expect(fake.chats).toHaveLength(1);
  });

  it('refuses a document whose plan needs more calls than RECAP_MAX_MODEL_CALLS, before any call', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048, maxModelCalls: 3 });
    await expect(summarizer.summarize(meeting, run())).rejects.toMatchObject({
      code: 'input_too_large',
      userMessage: expect.stringMatching(/up to \d+ model calls \(\d+ parts.*RECAP_MAX_MODEL_CALLS/),
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
