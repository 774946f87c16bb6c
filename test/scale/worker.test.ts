import { describe, expect, it } from 'vitest';
import { HAS_REDIS, NO_REDIS_REASON } from './redis-server.js';
import { clusterSuite } from './suite.js';
import { recapJob, Screens, textJob, until } from './worker-harness.js';

/** Distinct texts, so no two jobs share a summary (the cache and run sharing are tested elsewhere). */
const text = (i: number) =>
  `Meeting ${i}. The team reviewed release ${i}, agreed on a date, assigned ${i} owners and listed the risks.`;

describe.skipIf(!HAS_REDIS)(`workers on a real Redis (${NO_REDIS_REASON})`, () => {
  const suite = clusterSuite();
  const twoHosts = suite.twoHosts;

  it('drains 8 jobs with two workers of 2 slots: both used, no host above 2 at once, one answer each', async () => {
    const [a, b] = await twoHosts();
    // Both hosts hold their chats until each worker has filled its two slots: neither can finish a job,
    // so each takes two, however fast the other started (a worker takes no job beyond its slots).
    const holds = [a.hold(), b.hold()];
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url);
    running.addWorker(b.url);
    for (let i = 1; i <= 8; i++) await running.front.execute(textJob(`R${i}`, text(i)));
    await until(() => a.chats.length === 2 && b.chats.length === 2);
    for (const release of holds) release();
    await until(() => screens.answered() === 8);
    expect(Object.values(screens.answers()).map((answers) => answers.length)).toEqual(Array(8).fill(1));
    expect(
      Object.values(screens.answers())
        .flat()
        .every((answer) => answer.startsWith('summary: ')),
    ).toBe(true);
    expect(a.chats.length).toBeGreaterThan(0);
    expect(b.chats.length).toBeGreaterThan(0);
    expect(a.chats.length + b.chats.length).toBe(8);
    expect(a.maxInFlight).toBeLessThanOrEqual(2);
    expect(b.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('adds one job for a request queued twice (a retry, a deploy overlap)', async () => {
    const [a] = await twoHosts();
    const screens = new Screens();
    const running = suite.cluster(screens);
    await running.front.execute(textJob('Same', text(1)));
    await running.front.execute(textJob('Same', text(1)));
    expect(await running.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    running.addWorker(a.url);
    await until(() => screens.answered() === 1);
    expect(screens.of('Same').answers).toHaveLength(1);
  });

  it('tries again after a failure another try may fix, and tells the person once it worked', async () => {
    const [a] = await twoHosts();
    a.script({ kind: 'http-error', status: 500, error: 'runner crashed' });
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url);
    await running.front.execute(textJob('R1', text(1)));
    await until(() => screens.answered() === 1);
    expect(screens.of('R1').progress).toContain('retrying');
    expect(screens.of('R1').answers).toEqual([expect.stringMatching(/^summary: /)]);
    // The attempt that failed and the one that worked (BullMQ counts a completion as an attempt made, as
    // it marks the job completed, after the answer is out).
    await until(
      async () => (await running.queue.getJob('slack-R1'))?.finishedOn !== undefined,
      'R1 completed',
    );
    expect((await running.queue.getJob('slack-R1'))?.attemptsMade).toBe(2);
    expect(a.chats).toHaveLength(2);
  });

  it('carries a conversation recap like a summary: tried again after a model failure, answered once', async () => {
    const [a] = await twoHosts();
    a.script({ kind: 'http-error', status: 500, error: 'runner crashed' });
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url);
    await running.front.execute(recapJob('Recap1'));
    await until(() => screens.answered() === 1);
    expect(screens.of('Recap1').answers).toEqual([expect.stringMatching(/^recap: /)]);
    expect(screens.of('Recap1').progress).toContain('retrying');
    // The second run is told it ran before, so its surface answers where the first one may have.
    expect(screens.of('Recap1').reruns).toEqual([false, true]);
    expect(a.chats).toHaveLength(2);
    expect(a.chats[1]?.seenPrompt).toContain('We ship on Friday after QA');
  });

  it('tells the person at once what another try cannot fix, and tries no more', async () => {
    const [a] = await twoHosts();
    const screens = new Screens();
    const running = suite.cluster(screens);
    running.addWorker(a.url);
    await running.front.execute(textJob('R1', '   '));
    await until(() => screens.answered() === 1);
    expect(screens.of('R1').answers).toEqual([expect.stringMatching(/^failed: /)]);
    const job = await running.queue.getJob('slack-R1');
    await until(async () => (await job?.getState()) === 'failed');
    expect((await running.queue.getJob('slack-R1'))?.attemptsMade).toBe(1);
    expect(a.chats).toHaveLength(0);
  });

  it('leaves a worker whose host is down paused, and the other finishes everything', async () => {
    const [, b] = await twoHosts();
    const down = 'http://127.0.0.1:9';
    const screens = new Screens();
    const running = suite.cluster(screens);
    const idle = running.addWorker(down);
    running.addWorker(b.url);
    for (let i = 1; i <= 4; i++) await running.front.execute(textJob(`R${i}`, text(i)));
    await until(() => screens.answered() === 4);
    expect(idle.host.ready).toBe(false);
    expect(b.chats).toHaveLength(4);
    expect(
      Object.values(screens.answers())
        .flat()
        .every((answer) => answer.startsWith('summary: ')),
    ).toBe(true);
  });

  it('hands a job back at once when its host stops answering mid-way, and pauses that worker', async () => {
    const [a, b] = await twoHosts();
    const screens = new Screens();
    const running = suite.cluster(screens);
    // The host answered its last check, then went away: the job finds it down.
    await a.close();
    const stale = running.addWorker(a.url, { probe: async () => ({ ready: true }), probeIntervalMs: 60_000 });
    await running.front.execute(textJob('R1', text(1)));
    await until(() => screens.of('R1').progress.includes('retrying'));
    expect(stale.host.ready).toBe(false);
    running.addWorker(b.url);
    await until(() => screens.answered() === 1);
    expect(screens.of('R1').answers).toEqual([expect.stringMatching(/^summary: /)]);
    expect(b.chats).toHaveLength(1);
  });

  it('hands the jobs under way back on stop, and another worker answers each once', async () => {
    const [a, b] = await twoHosts();
    // The first host never answers: both jobs are under way when their worker stops.
    a.hold();
    const screens = new Screens();
    const running = suite.cluster(screens);
    const stopping = running.addWorker(a.url);
    await running.front.execute(textJob('R1', text(1)));
    await running.front.execute(textJob('R2', text(2)));
    await until(() => a.chats.length === 2);
    await stopping.stop(0);
    expect(screens.answered()).toBe(0);
    running.addWorker(b.url);
    await until(() => screens.answered() === 2);
    expect(screens.answers()).toEqual({
      R1: [expect.stringMatching(/^summary: /)],
      R2: [expect.stringMatching(/^summary: /)],
    });
    expect(b.chats).toHaveLength(2);
  });
});
