import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/core/queue.js';
import { RecapService, type RunLocks } from '../../src/core/service.js';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document } from '../../src/core/types.js';
import { connectRedis } from '../../src/scale/redis.js';
import { redisRunLocks, redisSummaryCache } from '../../src/scale/shared-summaries.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { googleMemo } from '../helpers/fixtures.js';
import { collectingLogger } from '../helpers/logs.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';

const memo: Document = { title: googleMemo.title(), text: googleMemo.transcript(), source: { kind: 'text' } };
const never = () => new AbortController().signal;

describe.skipIf(!HAS_REDIS)(`summaries shared among processes on Redis (${NO_REDIS_REASON})`, () => {
  let jobs: TestRedis;
  let cacheServer: TestRedis;
  let jobsClient: Redis;
  let cacheClient: Redis;
  let fake: FakeOllama;
  beforeAll(async () => {
    [jobs, cacheServer] = await Promise.all([startRedis(), startRedis({ policy: 'allkeys-lru' })]);
    jobsClient = await connectRedis(jobs.url, 'REDIS_URL', 'worker');
    cacheClient = await connectRedis(cacheServer.url, 'REDIS_CACHE_URL', 'worker');
  });
  afterEach(async () => fake?.close());
  afterAll(async () => {
    jobsClient.disconnect();
    cacheClient.disconnect();
    await Promise.all([jobs.stop(), cacheServer.stop()]);
  });

  /** A service as one worker process builds it: its own queue and model client, the shared stores. */
  function process(prefix: string, locks: RunLocks = redisRunLocks(jobsClient, prefix, { pollMs: 20 })) {
    const model = createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 });
    return new RecapService({
      summarizer: createSummarizer({ model, maxContext: 8192 }),
      model: 'llama3.2',
      queue: new JobQueue({ concurrency: 1, maxWaiting: 10 }),
      cacheBytes: 1024 * 1024,
      cache: redisSummaryCache(cacheClient, prefix, collectingLogger([])),
      locks,
    });
  }

  it('answers a summary another process made from the cache, with no model call', async () => {
    fake = await startFakeOllama();
    const prefix = jobs.prefix();
    const first = await process(prefix).summarize(memo, { signal: never() });
    const second = await process(prefix).summarize(memo, { signal: never() });
    expect(fake.chats).toHaveLength(1);
    expect(second).toEqual({ ...first, cached: true });
  });

  it('makes one summary for identical requests running in two processes at once', async () => {
    fake = await startFakeOllama({ tokenDelayMs: 2 });
    const prefix = jobs.prefix();
    const [a, b] = await Promise.all([
      process(prefix).summarize(memo, { signal: never() }),
      process(prefix).summarize(memo, { signal: never() }),
    ]);
    expect(fake.chats).toHaveLength(1);
    expect(a.bullets).toEqual(b.bullets);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
  });

  it('takes over a summary whose process died holding the lock, once the lock expires', async () => {
    fake = await startFakeOllama();
    const prefix = jobs.prefix();
    // The service's key for the memo, as the locks are asked for it.
    const asked: string[] = [];
    const recordOnly: RunLocks = {
      acquire: async (key) => void asked.push(key),
      released: async () => {
        throw new Error('recorded');
      },
    };
    await expect(process(prefix, recordOnly).summarize(memo, { signal: never() })).rejects.toThrow(
      'recorded',
    );
    // A process took that lock and died: nothing renews or releases it.
    await jobsClient.set(`${prefix}:run:${asked[0]}`, 'a-dead-process', 'PX', 300);
    const result = await process(prefix).summarize(memo, { signal: never() });
    expect(result.cached).toBe(false);
    expect(fake.chats).toHaveLength(1);
    expect(await jobsClient.exists(`${prefix}:run:${asked[0]}`)).toBe(0);
  });

  it('counts a cache that cannot answer as a miss, and still summarizes', async () => {
    fake = await startFakeOllama();
    const broken = await connectRedis(cacheServer.url, 'REDIS_CACHE_URL', 'producer');
    broken.disconnect();
    const lines: string[] = [];
    const service = new RecapService({
      summarizer: createSummarizer({
        model: createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 10_000 }),
        maxContext: 8192,
      }),
      model: 'llama3.2',
      queue: new JobQueue({ concurrency: 1, maxWaiting: 10 }),
      cacheBytes: 1,
      cache: redisSummaryCache(broken, jobs.prefix(), collectingLogger(lines)),
    });
    const result = await service.summarize(memo, { signal: never() });
    expect(result.bullets).toHaveLength(5);
    expect(lines.some((line) => line.startsWith('warn the summary cache did not answer'))).toBe(true);
  });
});
