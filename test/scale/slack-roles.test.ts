/**
 * Slack through fronts and workers as separate processes: an event sent to two fronts, a worker stopped
 * with jobs under way, a summary another worker made, the logs and the metrics of it all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import {
  type FakeSlack,
  postSigned,
  SIGNING_SECRET,
  SLACK_BOT_TOKEN,
  startFakeSlack,
} from '../fakes/slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { budget, freePort, get, logLines, Processes, sample } from './cluster.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';

describe.skipIf(!HAS_REDIS)(`Slack fronts and workers as processes (${NO_REDIS_REASON})`, () => {
  let jobs: TestRedis;
  let cache: TestRedis;
  let slack: FakeSlack;
  let hosts: [FakeOllama, FakeOllama];
  const processes = new Processes();
  beforeAll(async () => {
    [jobs, cache, slack, ...hosts] = await Promise.all([
      startRedis(),
      startRedis({ policy: 'allkeys-lru' }),
      startFakeSlack(),
      // The first host takes both of its worker's jobs at once; it is held while the worker is stopped.
      startFakeOllama({ parallel: 2 }),
      startFakeOllama(),
    ]);
  });
  afterAll(async () => {
    processes.killAll();
    await Promise.all([jobs.stop(), cache.stop(), slack.close(), ...hosts.map((host) => host.close())]);
  });

  it(
    'answers once across two fronts and two workers, hands jobs back on SIGTERM, and shares the cache',
    async () => {
      const [hostA, hostB] = hosts;
      const [port1, port2, metricsW1, metricsW2] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      const common = {
        SLACK_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: jobs.url,
        REDIS_CACHE_URL: cache.url,
        REDIS_PREFIX: jobs.prefix(),
        LOG_FORMAT: 'json',
        RECAP_QUEUE_CONCURRENCY: '2',
        RECAP_JOB_LOCK_S: '2',
      };
      const front = (port: number) =>
        processes.start({
          ...common,
          ROLE: 'front',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          PORT: String(port),
        });
      const worker = (host: FakeOllama, metricsPort: number) =>
        processes.start({
          ...common,
          ROLE: 'worker',
          OLLAMA_HOST: host.url,
          METRICS_PORT: String(metricsPort),
          RECAP_SHUTDOWN_GRACE_S: '0',
        });
      const [f1, f2, w1] = [front(port1), front(port2), worker(hostA, metricsW1)];
      await Promise.all([
        f1.waitForOutput('listening for events'),
        f2.waitForOutput('listening for events'),
        w1.waitForOutput('started as worker'),
      ]);
      const post = (port: number, body: string, form = false) =>
        postSigned(port, SIGNING_SECRET, body, form ? 'form' : 'json');
      const command = (port: number, text: string) =>
        post(port, new URLSearchParams(slack.commandForm(text)).toString(), true);
      const channel = () => slack.workspace.messages.get('C0000001') ?? [];
      /** Summaries in the channel: the bot's messages with blocks (progress and parents have none). */
      const summaries = () =>
        channel().filter(
          (message) => message.bot_id && Array.isArray(message.blocks) && message.blocks.length > 0,
        );
      /** The bot's messages in each thread: no thread may get two answers. */
      const mostInOneThread = () => {
        const counts = new Map<string, number>();
        for (const message of summaries()) {
          const thread = String(message.thread_ts ?? message.ts);
          counts.set(thread, (counts.get(thread) ?? 0) + 1);
        }
        return Math.max(0, ...counts.values());
      };

      // 1. A first summary, made by the first worker.
      const memo = 'The board approved the budget for the new office and the lease for three years.';
      expect((await command(port1, memo)).status).toBe(200);
      await w1.waitUntil(() => summaries().length === 1, 'the first summary');
      expect(hostA.chats, `${JSON.stringify(channel())}\n${w1.stderr()}`).toHaveLength(1);

      // 2. The same event sent to both fronts (Slack's retry behind a balancer), and a second request.
      // The first host holds their chats unanswered from now on, so the first worker is stopped with both
      // under way whatever the machine's load (what a worker finished as it stopped is answered:
      // worker.test.ts). They are never released: they end as the worker leaves.
      hostA.hold();
      const parent = slack.addMessage('C0000001', {
        user: 'U0000002',
        text: 'Minutes: the launch moves to May; marketing owns the announcement; support hires two people.',
      });
      const mention = slack.eventBody(
        {
          type: 'app_mention',
          user: 'U0000003',
          text: `<@${slack.bot.userId}> tl;dr?`,
          ts: slack.nextTs(),
          thread_ts: parent.ts,
          channel: 'C0000001',
        },
        'Ev0SAMEEVENT',
      );
      await Promise.all([post(port1, JSON.stringify(mention)), post(port2, JSON.stringify(mention))]);
      const other =
        'Retrospective: deploys were slow, the on-call rota changes, and tests run on every merge.';
      await command(port2, other);
      await w1.waitUntil(() => hostA.chats.length === 3, 'both jobs running on the first worker');

      // 3. The first worker is stopped with both jobs under way: they go back to the queue, untold.
      w1.child.kill('SIGTERM');
      expect(await w1.exit()).toBe(0);
      // One placeholder for the mention, though two fronts received it.
      const inMentionThread = () =>
        slack.workspace.repliesOf('C0000001', String(parent.ts)).filter((message) => message.bot_id);
      expect(inMentionThread()).toHaveLength(1);

      // 4. Another worker, on another host, answers each once.
      const w2 = worker(hostB, metricsW2);
      await w2.waitUntil(() => summaries().length === 3, 'both answers from the second worker');
      expect(inMentionThread()).toEqual([
        expect.objectContaining({ blocks: expect.arrayContaining([expect.anything()]) }),
      ]);
      // Both were made by the second host: the first finished neither.
      expect(hostB.chats).toHaveLength(2);

      // 5. The first summary again, asked anew: the second worker reads it from the shared cache.
      await command(port1, memo);
      await w2.waitUntil(() => summaries().length === 4, 'the cached summary');
      expect(hostB.chats).toHaveLength(2);
      // Nothing was said twice: one answer per thread, one placeholder for the mention.
      expect(mostInOneThread()).toBe(1);
      expect(inMentionThread()).toHaveLength(1);
      // The request's own id names its lines in the front that took it and in the worker that ran it.
      const fronts = [...logLines(f1, 'request', 'Ev0SAMEEVENT'), ...logLines(f2, 'request', 'Ev0SAMEEVENT')];
      expect(fronts.some((line) => line.job === 'slack-Ev0SAMEEVENT')).toBe(true);
      const workers = [
        ...logLines(w1, 'request', 'Ev0SAMEEVENT'),
        ...logLines(w2, 'request', 'Ev0SAMEEVENT'),
      ];
      expect(workers.some((line) => line.job === 'slack-Ev0SAMEEVENT' && line.stage === 'deliver')).toBe(
        true,
      );
      // And the second worker counted what it did, as its log tells it: two answers made, one from the cache.
      // It counts a job as its run returns, after the answer reached Slack; the queue has the job completed
      // after that: wait for the queue, not for Slack.
      const scrape = async () => (await get(metricsW2, '/metrics')).text;
      const metrics = await waitFor(async () => {
        const text = await scrape();
        return sample(text, 'recap_jobs{state="completed"}') === 4 && text;
      }, 'the four jobs completed in the queue');
      const delivered = logLines(w2, 'stage', 'deliver');
      const fromCache = delivered.filter((line) => String(line.msg).includes(', cached)'));
      expect([delivered.length, fromCache.length]).toEqual([3, 1]);
      expect(sample(metrics, 'recap_jobs_total{outcome="delivered"}')).toBe(3);
      expect(sample(metrics, 'recap_cache_lookups_total{result="hit"}')).toBe(1);
      expect(sample(metrics, `recap_ollama_up{host="${hostB.url}"}`)).toBe(1);
      expect((await get(metricsW2, '/readyz')).status).toBe(200);
    },
    budget('startMs', 'answerMs', 'exitMs', 'answerMs', 'answerMs'),
  );
});
