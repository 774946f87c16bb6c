/**
 * A long document as a flow (issue 13): its parts are jobs that every worker takes, each on its own
 * model host, while the document's own worker plans and merges. Real Redis, fake Ollama hosts.
 */
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { PARTS_QUEUE } from '../../src/scale/parts.js';
import { bullConnection } from '../../src/scale/redis.js';
import type { FakeOllama } from '../fakes/ollama.js';
import { HAS_REDIS, NO_REDIS_REASON } from './redis-server.js';
import { clusterSuite } from './suite.js';
import { Screens, textJob, until } from './worker-harness.js';

/** A context small enough that a few thousand words take several parts. */
const SMALL_CONTEXT = { RECAP_NUM_CTX: '2048' };

/** About 6,000 tokens of distinct sentences: four parts or more at a context of 2048. */
function longText(seed: string): string {
  return Array.from(
    { length: 400 },
    (_, i) => `In ${seed} item ${i}, the team reviewed budget line ${i * 7} and agreed owner ${i % 13}.`,
  ).join(' ');
}

const PART_PROMPT = /This is part \d+ of/;
const partsOn = (host: FakeOllama) => host.chats.filter((chat) => PART_PROMPT.test(chat.seenPrompt)).length;

describe.skipIf(!HAS_REDIS)(`a long document over several workers (${NO_REDIS_REASON})`, () => {
  const suite = clusterSuite();
  const twoHosts = (parallel: number) => suite.twoHosts({ parallel });

  it("spreads a long document's parts over two workers of 2 slots, no host above 2 at once, one answer", async () => {
    const [a, b] = await twoHosts(2);
    // Both hosts hold their chats until each has a part: a worker takes no more parts than its two
    // slots, so the other takes the rest, however fast the first started.
    const holds = [a.hold(), b.hold()];
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url, { takeParts: true }, SMALL_CONTEXT);
    running.addWorker(b.url, { takeParts: true }, SMALL_CONTEXT);
    await running.front.execute(textJob('Long', longText('March')));
    await until(() => partsOn(a) > 0 && partsOn(b) > 0);
    for (const release of holds) release();
    await until(() => screens.answered() === 1);

    expect(screens.of('Long').answers).toEqual([expect.stringMatching(/^summary: /)]);
    expect(partsOn(a) + partsOn(b)).toBeGreaterThanOrEqual(4);
    expect(partsOn(a)).toBeGreaterThan(0);
    expect(partsOn(b)).toBeGreaterThan(0);
    expect(a.maxInFlight).toBeLessThanOrEqual(2);
    expect(b.maxInFlight).toBeLessThanOrEqual(2);
    // Progress counted the parts as their notes came in, then the merge wrote the bullets.
    expect(screens.of('Long').progress).toContain('summarizing');
    expect(screens.of('Long').progress).toContain('writing');
  });

  it('answers two long documents on workers of one slot each: a document waiting for its parts holds no slot they need', async () => {
    const [a, b] = await twoHosts(1);
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url, { takeParts: true, concurrency: 1 }, SMALL_CONTEXT);
    running.addWorker(b.url, { takeParts: true, concurrency: 1 }, SMALL_CONTEXT);
    await running.front.execute(textJob('L1', longText('April')));
    await running.front.execute(textJob('L2', longText('May')));
    await until(() => screens.answered() === 2);

    expect(screens.answers()).toEqual({
      L1: [expect.stringMatching(/^summary: /)],
      L2: [expect.stringMatching(/^summary: /)],
    });
    expect(a.maxInFlight).toBeLessThanOrEqual(1);
    expect(b.maxInFlight).toBeLessThanOrEqual(1);
  });

  it('tells the person once when a part fails for good, and tries neither the part nor the document again', async () => {
    const [a] = await twoHosts(2);
    // The first part's call and its repair both answer what is not JSON: a failure retrying cannot fix.
    a.script({ kind: 'reply', content: 'not json' }, { kind: 'reply', content: 'still not json' });
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url, { takeParts: true, concurrency: 1 }, SMALL_CONTEXT);
    await running.front.execute(textJob('Bad', longText('June')));
    await until(() => screens.answered() === 1);

    expect(screens.of('Bad').answers).toEqual([expect.stringMatching(/^failed: The model .* usable answer/)]);
    const job = await running.queue.getJob('slack-Bad');
    await until(async () => (await job?.getState()) === 'failed');
    expect((await running.queue.getJob('slack-Bad'))?.attemptsMade).toBe(1);
    // The first part was asked twice (its call and the repair), as in one process, and no more.
    expect(a.chats.filter((chat) => chat.seenPrompt.includes('This is part 1 of')).length).toBe(2);
  });

  it('tries a part again after a failure another try may fix, and the document is answered', async () => {
    const [a] = await twoHosts(2);
    a.script({ kind: 'http-error', status: 500, error: 'runner crashed' });
    const screens = new Screens();
    const prefix = suite.redis().prefix();
    const running = suite.cluster(screens, prefix);
    running.addWorker(a.url, { takeParts: true, concurrency: 1 }, SMALL_CONTEXT);
    await running.front.execute(textJob('Flaky', longText('July')));
    await until(() => screens.answered() === 1);

    expect(screens.of('Flaky').answers).toEqual([expect.stringMatching(/^summary: /)]);
    // The document ran once; the part that met the crash was tried again by BullMQ. (BullMQ counts the
    // attempt as it marks the job completed, after the answer is out.)
    await until(
      async () => (await running.queue.getJob('slack-Flaky'))?.finishedOn !== undefined,
      'the document completed',
    );
    expect((await running.queue.getJob('slack-Flaky'))?.attemptsMade).toBe(1);
    const parts = new Queue(PARTS_QUEUE, {
      connection: bullConnection(suite.redis().url, 'producer'),
      prefix,
    });
    const tries = (await parts.getCompleted()).map((part) => part.attemptsMade);
    await parts.close();
    expect(tries.filter((made) => made === 2)).toHaveLength(1);
    expect(tries.filter((made) => made === 1).length).toBeGreaterThanOrEqual(3);
  });
});
