/**
 * A long document's parts spread over workers that are processes of their own (`recap start`,
 * ROLE=worker), as deployed: the settings reach the flow, and the answer reaches Slack once.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_OPTIONS, jobIdOf, QUEUE_NAME, type QueuedJob } from '../../src/scale/jobs.js';
import { bullConnection } from '../../src/scale/redis.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { type FakeSlack, SLACK_BOT_TOKEN, startFakeSlack } from '../fakes/slack.js';
import { budget, Processes } from './cluster.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';
import { textJob, until } from './worker-harness.js';

const longText = Array.from(
  { length: 400 },
  (_, i) => `In August item ${i}, the team reviewed budget line ${i * 7} and agreed owner ${i % 13}.`,
).join(' ');

const partsOn = (host: FakeOllama) =>
  host.chats.filter((chat) => /This is part \d+ of/.test(chat.seenPrompt)).length;

describe.skipIf(!HAS_REDIS)(`a long document over worker processes (${NO_REDIS_REASON})`, () => {
  let redis: TestRedis;
  let slack: FakeSlack;
  let hosts: [FakeOllama, FakeOllama];
  const processes = new Processes();
  beforeAll(async () => {
    [redis, slack, ...hosts] = await Promise.all([
      startRedis(),
      startFakeSlack(),
      startFakeOllama({ parallel: 2, tokenDelayMs: 3 }),
      startFakeOllama({ parallel: 2, tokenDelayMs: 3 }),
    ]);
  });
  afterAll(async () => {
    processes.killAll();
    await Promise.all([redis.stop(), slack.close(), ...hosts.map((host) => host.close())]);
  });

  it(
    'has both workers write its parts, within their slots, and answers once',
    async () => {
      const prefix = redis.prefix();
      const worker = (host: FakeOllama) =>
        processes.start({
          ROLE: 'worker',
          REDIS_URL: redis.url,
          REDIS_PREFIX: prefix,
          OLLAMA_HOST: host.url,
          SLACK_BOT_TOKEN,
          SLACK_API_URL: slack.apiUrl,
          RECAP_QUEUE_CONCURRENCY: '2',
          RECAP_NUM_CTX: '2048',
        });
      // Both hosts hold their chats until each has a part: a worker takes no more parts than its two
      // slots, so the other takes the rest, however fast the first started.
      const holds = hosts.map((host) => host.hold());
      const workers = hosts.map(worker);
      await Promise.all(workers.map((w) => w.waitForOutput('started as worker')));
      const queue = new Queue<QueuedJob>(QUEUE_NAME, {
        connection: bullConnection(redis.url, 'producer'),
        prefix,
      });
      const job = textJob('Ev0LONG', longText);
      job.origin.channel = 'C0000001';
      // A mention's thread, with the placeholder a front would have posted there.
      const parent = slack.addMessage('C0000001', { user: 'U0000002', text: 'the transcript' });
      const placeholder = slack.addMessage('C0000001', {
        bot_id: slack.bot.botId,
        thread_ts: parent.ts,
        text: '⏳',
      });
      job.target = {
        kind: 'thread',
        channel: 'C0000001',
        threadTs: String(parent.ts),
        placeholderTs: String(placeholder.ts),
      };
      await queue.add('chat', { job }, { ...JOB_OPTIONS, jobId: jobIdOf(job.origin) });
      const answers = () =>
        slack.workspace.repliesOf('C0000001', String(parent.ts)).filter((message) => message.bot_id);
      await workers[0]?.waitUntil(
        () => partsOn(hosts[0]) > 0 && partsOn(hosts[1]) > 0,
        'a part on each host',
      );
      for (const release of holds) release();
      await until(async () => (await queue.getJob(jobIdOf(job.origin)))?.finishedOn !== undefined);
      const done = await queue.getJob(jobIdOf(job.origin));
      await queue.close();
      expect(done?.failedReason, workers[0]?.stderr()).toBeUndefined();

      expect(partsOn(hosts[0]) + partsOn(hosts[1])).toBeGreaterThanOrEqual(4);
      expect(partsOn(hosts[0])).toBeGreaterThan(0);
      expect(partsOn(hosts[1])).toBeGreaterThan(0);
      expect(Math.max(hosts[0].maxInFlight, hosts[1].maxInFlight)).toBeLessThanOrEqual(2);
      // The placeholder became the summary: one message, with the bullets as blocks.
      expect(answers()).toEqual([
        expect.objectContaining({ blocks: expect.arrayContaining([expect.anything()]) }),
      ]);
    },
    budget('startMs', 'answerMs', 'answerMs'),
  );
});
