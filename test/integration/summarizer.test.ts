import { afterEach, describe, expect, it } from 'vitest';
import { renderForModel } from '../../src/core/summarize/chunking.js';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document, Progress } from '../../src/core/types.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { googleMemo, qmsumMeeting } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(options: FakeOllamaOptions & { numCtx?: number; idleTimeoutMs?: number } = {}) {
  fake = await startFakeOllama(options);
  const model = createOllamaModel({
    host: fake.url,
    model: 'llama3.2',
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
  });
  return { fake, summarizer: createSummarizer({ model, maxContext: options.numCtx ?? 8192 }) };
}

const memo: Document = { title: googleMemo.title(), text: googleMemo.transcript(), source: { kind: 'text' } };
const run = () => ({ signal: new AbortController().signal });
const fiveBullets = JSON.stringify({ bullets: ['One.', 'Two.', 'Three.', 'Four.', 'Five.'] });

/** Two long meetings back to back as timed speaker segments: about 50,000 tokens. */
function longMeeting(): Document {
  const turns = [...qmsumMeeting('Bmr006'), ...qmsumMeeting('covid_4')];
  return {
    title: 'Two meetings',
    text: '',
    source: { kind: 'text' },
    segments: turns.map((turn, index) => ({
      text: turn.content,
      speaker: turn.speaker,
      startMs: index * 7_000,
    })),
  };
}

describe('summarizer over Ollama (real client, fake server)', () => {
  it('summarizes a document that fits in one call, with num_ctx sized to the prompt', async () => {
    const { fake, summarizer } = await setUp();
    const { summary, stats } = await summarizer.summarize(memo, run());
    expect(summary.bullets).toHaveLength(5);
    expect(fake.chats).toHaveLength(1);
    const [chat] = fake.chats;
    expect(chat?.truncated).toBe(false);
    expect(chat?.numCtx).toBeLessThan(8192);
    expect(chat?.numCtx).toBeGreaterThanOrEqual((chat?.promptTokens ?? 0) + (chat?.numPredict ?? 0));
    expect(chat?.format).toMatchObject({ properties: { bullets: { minItems: 5, maxItems: 5 } } });
    expect(chat?.messages.at(-1)?.content).toContain(memo.title);
    expect(stats).toMatchObject({ chunks: 1, modelCalls: 1, promptTokens: chat?.promptTokens });
  });

  it('never asks for more context than the model was trained for', async () => {
    const { fake, summarizer } = await setUp({
      models: [{ name: 'llama3.2', architecture: 'llama', contextLength: 4096 }],
      numCtx: 32768,
    });
    await summarizer.summarize(memo, run());
    expect(fake.requests).toContain('POST /api/show');
    for (const chat of fake.chats) expect(chat.numCtx).toBeLessThanOrEqual(4096);
  });

  it('summarizes a transcript twenty times the context without cutting any call, every part reaching the model', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048 });
    const document = longMeeting();
    const progress: Progress[] = [];
    const { summary, stats } = await summarizer.summarize(document, {
      ...run(),
      onProgress: (p) => progress.push(p),
    });

    expect(summary.bullets).toHaveLength(5);
    const documentTokens = fake.chats.reduce((sum, chat) => sum + chat.promptTokens, 0);
    expect(documentTokens).toBeGreaterThan(20 * 2048);
    for (const chat of fake.chats) {
      expect(chat.truncated).toBe(false);
      expect(chat.numCtx).toBeLessThanOrEqual(2048);
    }
    // The parts the model read, in order, are the whole document: nothing dropped, nothing cut.
    const partsRead = fake.chats
      .filter((chat) => /This is part \d+ of/.test(chat.seenPrompt))
      .map((chat) => /<content>\n([\s\S]*)\n<\/content>/.exec(chat.seenPrompt)?.[1]);
    expect(partsRead).toHaveLength(stats.chunks);
    expect(partsRead.join('')).toBe(renderForModel(document));
    // The final call merged notes, and progress counted the parts.
    const parts = progress.filter((p) => p.stage === 'summarizing');
    expect(parts).toHaveLength(stats.chunks);
    expect(parts.at(-1)).toEqual({ stage: 'summarizing', part: stats.chunks, parts: stats.chunks });
    expect(progress.some((p) => p.stage === 'merging')).toBe(true);
    expect(fake.chats.at(-1)?.format).toMatchObject({ properties: { bullets: { minItems: 5 } } });
    expect(stats.modelCalls).toBe(fake.chats.length);
  });

  it('plans again with smaller parts when the server refuses a prompt as longer than num_ctx', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 4096, tokenInflation: 2 });
    const { summary, stats } = await summarizer.summarize(memo, run());
    expect(summary.bullets).toHaveLength(5);
    expect(fake.chats[0]?.refused).toBe(true);
    const answered = fake.chats.filter((chat) => !chat.refused);
    expect(answered.length).toBeGreaterThan(1);
    for (const chat of answered) expect(chat.truncated).toBe(false);
    expect(stats.chunks).toBeGreaterThan(1);
  });

  it('asks the server never to cut or shift a prompt (truncate and shift false)', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 2048 });
    await summarizer.summarize(longMeeting(), run());
    expect(fake.chats.length).toBeGreaterThan(2);
    for (const chat of fake.chats) expect([chat.truncate, chat.shift]).toEqual([false, false]);
  });

  it('detects a prompt an older server (before 0.12.6) cut silently, and uses no answer from it', async () => {
    const { fake, summarizer } = await setUp({ numCtx: 4096, tokenInflation: 2, version: '0.12.5' });
    const { summary, stats } = await summarizer.summarize(memo, run());
    expect(summary.bullets).toHaveLength(5);
    expect(fake.chats[0]?.truncated).toBe(true);
    // Each cut call ended its plan: the plan that wrote the summary read every prompt whole.
    const lastCut = fake.chats.findLastIndex((chat) => chat.truncated);
    const finalPlan = fake.chats.slice(lastCut + 1);
    expect(finalPlan.length).toBe(stats.chunks + 1);
    for (const chat of finalPlan) expect(chat.truncated).toBe(false);
    expect(stats.chunks).toBeGreaterThan(1);
  });

  it('gives up with a clear error when every plan is cut', async () => {
    const { summarizer } = await setUp({ numCtx: 2048, tokenInflation: 40 });
    await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({ code: 'prompt_truncated' });
  });

  describe('answers that are not five bullets', () => {
    it.each([
      ['three bullets', JSON.stringify({ bullets: ['One.', 'Two.', 'Three.'] })],
      ['seven bullets', JSON.stringify({ bullets: ['1.', '2.', '3.', '4.', '5.', '6.', '7.'] })],
      ['prose', 'The video is about a leaked memo from Google about open source models.'],
      ['broken JSON', '{"bullets": ["One.", "Two.",'],
    ])(
      'repairs %s with one more request that says what was wrong, the content still in it',
      async (_name, badAnswer) => {
        const { fake, summarizer } = await setUp();
        fake.script({ kind: 'reply', content: badAnswer }, { kind: 'reply', content: fiveBullets });
        const { summary } = await summarizer.summarize(memo, run());
        expect(summary.bullets).toEqual(['One.', 'Two.', 'Three.', 'Four.', 'Five.']);
        expect(fake.chats).toHaveLength(2);
        // One system and one user message: a server short of room drops whole older messages.
        const repair = fake.chats[1]?.messages ?? [];
        expect(repair.map((message) => message.role)).toEqual(['system', 'user']);
        expect(repair[1]?.content).toContain(memo.text.slice(0, 200));
        expect(repair[1]?.content).toContain(badAnswer);
        expect(repair[1]?.content).toMatch(/cannot be used: .+/);
      },
    );

    it.each([
      ['three', JSON.stringify({ bullets: ['One.', 'Two.', 'Three.'] })],
      ['seven', JSON.stringify({ bullets: ['1.', '2.', '3.', '4.', '5.', '6.', '7.'] })],
    ])('fails clearly, never with %s bullets, when the repair is wrong too', async (_name, badAnswer) => {
      const { fake, summarizer } = await setUp();
      fake.script({ kind: 'reply', content: badAnswer }, { kind: 'reply', content: badAnswer });
      await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({
        code: 'model_bad_output',
        userMessage: expect.stringContaining('exactly 5'),
      });
      expect(fake.chats).toHaveLength(2);
    });

    it('repairs an answer the server stopped unfinished because the model repeated itself', async () => {
      const { fake, summarizer } = await setUp();
      fake.script({ kind: 'reply', content: `{"bullets": ["${'word'.repeat(40)}` });
      const { summary } = await summarizer.summarize(memo, run());
      expect(summary.bullets).toHaveLength(5);
      expect(fake.chats).toHaveLength(2);
      expect(fake.chats[1]?.messages[1]?.content).toContain('the model repeated itself');
    });

    it('removes a <think> block from a reasoning model and keeps the answer after it', async () => {
      const { fake, summarizer } = await setUp();
      fake.script({
        kind: 'reply',
        content: `<think>\nLet me count: {"bullets": []}\n</think>\n${fiveBullets}`,
      });
      const { summary } = await summarizer.summarize(memo, run());
      expect(summary.bullets[0]).toBe('One.');
      expect(fake.chats).toHaveLength(1);
    });

    it('strips list marks the model put in its bullets', async () => {
      const { fake, summarizer } = await setUp();
      fake.script({
        kind: 'reply',
        content: JSON.stringify({ bullets: ['- A.', '• B.', '1. C.', '* D.', 'E.'] }),
      });
      const { summary } = await summarizer.summarize(memo, run());
      expect(summary.bullets).toEqual(['A.', 'B.', 'C.', 'D.', 'E.']);
    });
  });

  describe('failures', () => {
    it('reports an error in the middle of the stream as a model failure', async () => {
      const { fake, summarizer } = await setUp();
      fake.script({
        kind: 'error-mid-stream',
        partial: '{"bullets": ["One',
        error: 'llama runner process has terminated',
      });
      await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({
        code: 'model_failed',
        userMessage: expect.stringContaining('llama runner process has terminated'),
      });
    });

    it('stops waiting for a model that says nothing, and says so', async () => {
      const { fake, summarizer } = await setUp({ idleTimeoutMs: 300 });
      fake.script({ kind: 'silent' });
      await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({
        code: 'model_timeout',
        userMessage: expect.stringContaining('RECAP_MODEL_TIMEOUT_MS'),
      });
    });

    it('stops waiting when a stream stalls between tokens', async () => {
      const { fake, summarizer } = await setUp({ idleTimeoutMs: 200, tokenDelayMs: 400 });
      fake.script({ kind: 'reply', content: fiveBullets });
      await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({ code: 'model_timeout' });
    });

    it('names the host and suggests `ollama serve` when the server is down', async () => {
      const { fake: server } = await setUp();
      const host = server.url;
      await server.close();
      fake = undefined;
      const model = createOllamaModel({ host, model: 'llama3.2', idleTimeoutMs: 5_000 });
      const summarizer = createSummarizer({ model, maxContext: 8192 });
      await expect(summarizer.summarize(memo, run())).rejects.toMatchObject({
        code: 'model_unreachable',
        userMessage: expect.stringMatching(new RegExp(`${host}.*ollama serve`)),
      });
    });

    it('says `ollama pull <model>` when the model is missing', async () => {
      const { fake: server } = await setUp();
      const model = createOllamaModel({ host: server.url, model: 'qwen3:8b', idleTimeoutMs: 5_000 });
      await expect(
        createSummarizer({ model, maxContext: 8192 }).summarize(memo, run()),
      ).rejects.toMatchObject({
        code: 'model_missing',
        userMessage: expect.stringContaining('`ollama pull qwen3:8b`'),
      });
    });

    it('refuses an empty document without calling the model', async () => {
      const { fake, summarizer } = await setUp();
      await expect(
        summarizer.summarize({ text: ' \n ', source: { kind: 'text' } }, run()),
      ).rejects.toMatchObject({
        code: 'empty_document',
      });
      expect(fake.requests).toEqual([]);
    });

    it('stops a running call when the caller cancels', async () => {
      const { fake, summarizer } = await setUp();
      fake.script({ kind: 'silent' });
      const controller = new AbortController();
      const pending = summarizer.summarize(memo, { signal: controller.signal });
      await waitFor(() => fake.chats.length === 1);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    });
  });
});
