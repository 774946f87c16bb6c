/**
 * Discord through a front and workers as separate processes: a worker killed outright mid-job, its job
 * run again by another worker once its lock expires, after the interaction token has expired; and a
 * worker's readiness following its Ollama host down and back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, type FakeDiscord, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { budget, freePort, get, Processes, sample } from './cluster.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';
import { type SwitchableHost, switchableHost } from './switchable-host.js';

describe.skipIf(!HAS_REDIS)(`Discord front and workers as processes (${NO_REDIS_REASON})`, () => {
  let jobs: TestRedis;
  let discord: FakeDiscord;
  let hosts: [FakeOllama, FakeOllama];
  let relay: SwitchableHost;
  const processes = new Processes();
  beforeAll(async () => {
    [jobs, discord, ...hosts] = await Promise.all([
      startRedis(),
      startFakeDiscord(),
      startFakeOllama(),
      startFakeOllama(),
    ]);
    relay = await switchableHost(hosts[1].url);
  });
  afterAll(async () => {
    processes.killAll();
    await relay.close();
    await Promise.all([jobs.stop(), discord.close(), ...hosts.map((host) => host.close())]);
  });

  it(
    'answers once when a worker is killed mid-job, with the bot token once the interaction token has expired',
    async () => {
      const [hostA, hostB] = hosts;
      const metricsB = await freePort();
      const common = {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_REST_API: discord.restApi,
        REDIS_URL: jobs.url,
        REDIS_PREFIX: jobs.prefix(),
        LOG_FORMAT: 'json',
        RECAP_JOB_LOCK_S: '2',
      };
      const front = processes.start({ ...common, ROLE: 'front' });
      const workerA = processes.start({ ...common, ROLE: 'worker', OLLAMA_HOST: hostA.url });
      await Promise.all([front.waitForOutput('discord: logged in'), workerA.waitForOutput('taking jobs')]);

      // The first host never answers: the job is still running there when its worker is killed.
      hostA.hold();
      const { token } = discord.slashCommand({
        text: 'The roadmap review: the mobile app ships in June, the API is frozen, and two teams merge.',
      });
      await workerA.waitUntil(() => hostA.chats.length === 1, 'the job running on the first worker');
      workerA.child.kill('SIGKILL');
      await workerA.exited;
      // The token expires while the job waits for another worker: Discord refuses it from now on.
      discord.expireInteraction(token);

      // The second worker's host goes through a relay that can take it down and up again.
      const workerB = processes.start({
        ...common,
        ROLE: 'worker',
        OLLAMA_HOST: relay.url,
        METRICS_PORT: String(metricsB),
      });
      const original = [...discord.messages.values()].find((message) => message.webhook_id);
      expect(original).toBeDefined();
      const summaries = () =>
        discord.rest.filter(
          (call) =>
            call.method === 'POST' &&
            call.path === `/channels/${original?.id}/messages` &&
            Array.isArray(call.body?.embeds),
        );
      await workerB.waitUntil(
        () => summaries().length === 1 && hostB.chats.length === 1,
        'the summary from the second worker',
      );
      // The reply became the thread's header through the bot's own token: the interaction's was refused.
      await workerB.waitUntil(
        () =>
          discord.rest.find(
            (call) =>
              call.method === 'PATCH' &&
              call.path === `/channels/${original?.channel_id}/messages/${original?.id}`,
          ),
        'the header edited with the bot token',
      );
      expect(summaries()).toHaveLength(1);
      expect(hostA.chats).toHaveLength(1);
      const metrics = (await get(metricsB, '/metrics')).text;
      expect(sample(metrics, 'recap_jobs_total{outcome="delivered"}')).toBe(1);
      expect(sample(metrics, 'recap_queue_wait_seconds_count')).toBe(1);

      // Its host goes down: the worker is not ready (and takes nothing); it comes back: ready again.
      expect((await get(metricsB, '/readyz')).status).toBe(200);
      relay.down();
      const down = await get(metricsB, '/readyz');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.text)).toMatchObject({ ready: false, checks: { redis: true } });
      expect(sample((await get(metricsB, '/metrics')).text, `recap_ollama_up{host="${relay.url}"}`)).toBe(0);
      relay.up();
      expect((await get(metricsB, '/readyz')).status).toBe(200);
      expect(sample((await get(metricsB, '/metrics')).text, `recap_ollama_up{host="${relay.url}"}`)).toBe(1);
    },
    budget('startMs', 'answerMs', 'startMs', 'answerMs'),
  );
});
