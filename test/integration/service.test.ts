import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/core/queue.js';
import { RecapService } from '../../src/core/service.js';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import { DOCUMENT_PROMPTS, type PromptSet } from '../../src/core/summarize/prompt.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document, Progress } from '../../src/core/types.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { googleMemo } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(options: { tokenDelayMs?: number; concurrency?: number; maxWaiting?: number } = {}) {
  fake = await startFakeOllama({ tokenDelayMs: options.tokenDelayMs ?? 0 });
  const model = createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 });
  const service = new RecapService({
    summarizer: createSummarizer({ model, maxContext: 8192 }),
    model: 'llama3.2',
    queue: new JobQueue({ concurrency: options.concurrency ?? 1, maxWaiting: options.maxWaiting ?? 10 }),
    cacheBytes: 1024 * 1024,
  });
  return { fake, service };
}

const memo: Document = { title: googleMemo.title(), text: googleMemo.transcript(), source: { kind: 'text' } };
const doc = (text: string): Document => ({ text, source: { kind: 'text' } });
const never = () => new AbortController().signal;

describe('RecapService', () => {
  it('answers the same transcript twice with one model run, the second from the cache', async () => {
    const { fake, service } = await setUp();
    const first = await service.summarize(memo, { signal: never() });
    const second = await service.summarize(
      { ...memo, source: { kind: 'file', name: 'memo.txt' } },
      { signal: never() },
    );
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.bullets).toEqual(first.bullets);
    expect(fake.chats).toHaveLength(1);
  });

  it('runs again for another language, title or model prompt', async () => {
    const { fake, service } = await setUp();
    await service.summarize(memo, { signal: never() });
    await service.summarize(memo, { signal: never(), language: 'German' });
    await service.summarize({ ...memo, title: 'Another title' }, { signal: never() });
    expect(fake.chats).toHaveLength(3);
    expect(fake.chats[1]?.messages.at(-1)?.content).toContain('Write in German.');
  });

  it('neither caches nor shares a summary that must not outlive its request', async () => {
    const { fake, service } = await setUp({ tokenDelayMs: 2 });
    const [a, b] = await Promise.all([
      service.summarize(memo, { signal: never(), cacheable: false }),
      service.summarize(memo, { signal: never(), cacheable: false }),
    ]);
    expect([a.cached, b.cached]).toEqual([false, false]);
    expect(fake.chats).toHaveLength(2);
    // Nothing of it was kept for a later request either.
    expect(service.cachedCount).toBe(0);
    expect((await service.summarize(memo, { signal: never() })).cached).toBe(false);
    expect(fake.chats).toHaveLength(3);
    expect(service.cachedCount).toBe(1);
  });

  it('asks with the prompts of the kind of content, cached apart from documents', async () => {
    const { fake, service } = await setUp();
    const recapPrompts: PromptSet = {
      ...DOCUMENT_PROMPTS,
      version: 'test-recap-v1',
      single: (content, title, language) =>
        DOCUMENT_PROMPTS.single(`RECAP MARKER\n${content}`, title, language),
    };
    await service.summarize(memo, { signal: never() });
    const recap = await service.summarize(memo, { signal: never(), prompts: recapPrompts });
    expect(recap.cached).toBe(false);
    expect(fake.chats).toHaveLength(2);
    expect(fake.chats[1]?.messages.at(-1)?.content).toContain('RECAP MARKER');
    expect(fake.chats[0]?.messages.at(-1)?.content).not.toContain('RECAP MARKER');
  });

  it('shares one run between identical requests in flight', async () => {
    const { fake, service } = await setUp({ tokenDelayMs: 2 });
    const [a, b] = await Promise.all([
      service.summarize(memo, { signal: never() }),
      service.summarize(memo, { signal: never() }),
    ]);
    expect(a.bullets).toEqual(b.bullets);
    expect(fake.chats).toHaveLength(1);
  });

  it('keeps a shared run going for the others when one caller cancels', async () => {
    const { fake, service } = await setUp({ tokenDelayMs: 2 });
    const leaving = new AbortController();
    const left = service.summarize(memo, { signal: leaving.signal });
    const stays = service.summarize(memo, { signal: never() });
    leaving.abort();
    await expect(left).rejects.toMatchObject({ code: 'cancelled' });
    await expect(stays).resolves.toMatchObject({ bullets: expect.any(Array) });
    expect(fake.chats).toHaveLength(1);
  });

  it('tells a waiting caller its place in line, then its progress', async () => {
    const { service } = await setUp({ tokenDelayMs: 1 });
    const progress: Progress[] = [];
    const first = service.summarize(doc('The first document is about apples.'), { signal: never() });
    const second = service.summarize(doc('The second document is about pears.'), { signal: never() });
    const third = service.summarize(doc('The third document is about plums.'), {
      signal: never(),
      onProgress: (p) => progress.push(p),
    });
    await Promise.all([first, second, third]);
    expect(progress).toEqual([
      { stage: 'queued', position: 2 },
      { stage: 'queued', position: 1 },
      { stage: 'writing' },
    ]);
  });

  it('refuses a request when the line is full, and still serves the others', async () => {
    const { fake, service } = await setUp({ tokenDelayMs: 1, maxWaiting: 1 });
    const running = service.summarize(doc('Running now.'), { signal: never() });
    const waiting = service.summarize(doc('Waiting next.'), { signal: never() });
    await expect(service.summarize(doc('One too many.'), { signal: never() })).rejects.toMatchObject({
      code: 'queue_full',
    });
    await expect(Promise.all([running, waiting])).resolves.toHaveLength(2);
    expect(fake.chats).toHaveLength(2);
  });

  it('does not cache a failure: the next request runs again', async () => {
    const { fake, service } = await setUp();
    fake.script({ kind: 'http-error', status: 500, error: 'out of memory' });
    await expect(service.summarize(memo, { signal: never() })).rejects.toMatchObject({
      code: 'model_failed',
    });
    await expect(service.summarize(memo, { signal: never() })).resolves.toMatchObject({ cached: false });
  });

  it('forgets the oldest summaries beyond its byte budget', async () => {
    fake = await startFakeOllama();
    const model = createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 });
    const talk = (fruit: string) => doc(`A long talk about ${fruit} and why they matter.`);
    const one = await createSummarizer({ model, maxContext: 8192 }).summarize(talk('figs'), {
      signal: never(),
    });
    const resultBytes = JSON.stringify({
      ...one.summary,
      model: 'llama3.2',
      stats: one.stats,
      cached: false,
    }).length;
    const service = new RecapService({
      summarizer: createSummarizer({ model, maxContext: 8192 }),
      model: 'llama3.2',
      queue: new JobQueue({ concurrency: 1, maxWaiting: 10 }),
      cacheBytes: Math.round(resultBytes * 2.5),
    });
    fake.chats.length = 0;
    for (const fruit of ['apples', 'pears', 'apples', 'plums', 'kiwis', 'apples']) {
      await service.summarize(talk(fruit), { signal: never() });
    }
    // Room for two: the second "apples" is a hit, the third comes after two newer ones and is not.
    expect(fake.chats).toHaveLength(5);
  });

  it('cancels a shared run when its last follower leaves, so the model stops writing', async () => {
    const { fake, service } = await setUp();
    // The model is still writing when the follower leaves.
    fake.hold();
    const leaving = new AbortController();
    const left = service.summarize(memo, { signal: leaving.signal });
    await waitFor(() => fake.chats.length === 1);
    leaving.abort();
    await expect(left).rejects.toMatchObject({ code: 'cancelled' });
    await waitFor(() => fake.chats[0]?.aborted === true);
  });

  it('starts a new run for a request that comes while the last follower is leaving the old one', async () => {
    const { fake, service } = await setUp();
    // The model is still writing the first run when its follower leaves and the next request comes.
    const answer = fake.hold();
    const leaving = new AbortController();
    const left = service.summarize(memo, { signal: leaving.signal });
    await waitFor(() => fake.chats.length === 1);
    leaving.abort();
    const next = service.summarize(memo, { signal: never() });
    await expect(left).rejects.toMatchObject({ code: 'cancelled' });
    answer();
    await expect(next).resolves.toMatchObject({ bullets: expect.any(Array), cached: false });
    expect(fake.chats).toHaveLength(2);
  });

  it('leaves no abort listener on a long-lived signal after a burst of requests', async () => {
    const { service } = await setUp({ maxWaiting: 40 });
    const shutdown = new AbortController().signal;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const requests = Array.from({ length: 30 }, (_, i) =>
        service.summarize(doc(`Request number ${i} is about item ${i}.`), { signal: shutdown }),
      );
      await expect(Promise.all(requests)).resolves.toHaveLength(30);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(getEventListeners(shutdown, 'abort')).toHaveLength(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
