/**
 * Several processes (issue 13), measured side by side in one run on a real Redis:
 * - throughput: 40 jobs through 2 workers × 2 slots on two fake Ollama hosts whose answers take a fixed
 *   time per token; the hosts' capacity used is the model's busy time over every slot's wall time;
 * - queue overhead: jobs one at a time, through Redis and BullMQ and through one process with no Redis;
 *   the difference per job (Redis, BullMQ, and the hand-over between front and worker) against the time
 *   the model took for it;
 * - a front's acknowledgements under 500 simultaneous Slack requests: a bare Bolt app, recap as one
 *   process, and recap as a front on Redis (its shared claim and limit cost a round trip before the ack).
 * The workers run in this process (beside the fakes), the apps whose acks are measured in their own.
 */
import { spawn } from 'node:child_process';
import { createRecap } from '../src/app.js';
import { localExecutor } from '../src/commands/job.js';
import { loadConfig } from '../src/config.js';
import { startFakeOllama } from '../test/fakes/ollama.js';
import { type FakeSlack, startFakeSlack } from '../test/fakes/slack.js';
import { startBurstSender } from '../test/helpers/burst-sender.js';
import { collectingLogger } from '../test/helpers/logs.js';
import { watch } from '../test/helpers/spawn.js';
import { HAS_REDIS, startRedis, type TestRedis } from '../test/scale/redis-server.js';
import { cluster, recordingKit, Screens, textJob, until } from '../test/scale/worker-harness.js';
import { slackApps } from './acks/apps.js';
import { ackStats, slackRequests } from './acks/load.js';

const JOBS = Number(process.env.SCALE_JOBS ?? 40);
const TOKEN_DELAY_MS = 8;

/** Distinct texts of one length, so answers take about the same time and nothing is cached. */
const text = (i: number) =>
  `Meeting ${String(i).padStart(3, '0')}: the team reviewed the release, agreed on a date, assigned owners and listed the risks of the launch.`;

/**
 * A fetch that adds up the time each /api/chat call takes, to the line that ends the answer (`"done":
 * true`; the client may stop reading there): the model's busy time.
 */
function timingFetch(busy: { ms: number }): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const response = await fetch(input, init);
    if (!String(input).endsWith('/api/chat') || !response.body) return response;
    const decoder = new TextDecoder();
    let counted = false;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (!counted && decoder.decode(chunk, { stream: true }).includes('"done":true')) {
            counted = true;
            busy.ms += performance.now() - started;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, response);
  };
}

async function throughput(redis: TestRedis): Promise<void> {
  const hosts = await Promise.all(
    [0, 1].map(() => startFakeOllama({ parallel: 2, tokenDelayMs: TOKEN_DELAY_MS })),
  );
  const screens = new Screens();
  const running = cluster(redis.url, redis.prefix(), screens);
  const busy = { ms: 0 };
  try {
    for (const host of hosts) {
      const config = loadConfig({ OLLAMA_HOST: host.url, RECAP_QUEUE_CONCURRENCY: '2' });
      running.addWorker(host.url, { recap: createRecap(config, { fetch: timingFetch(busy) }) });
    }
    await until(() => running.lines.filter((line) => line.includes('taking jobs')).length === 2);
    const started = performance.now();
    for (let i = 0; i < JOBS; i++) await running.front.execute(textJob(`T${i}`, text(i)));
    await screens.answeredBy(JOBS);
    const wall = performance.now() - started;
    const used = busy.ms / (4 * wall);
    console.log('\nSeveral processes: 2 workers × 2 slots, two fake hosts (a fixed time per token)');
    console.log(
      `  ${JOBS} jobs in ${(wall / 1000).toFixed(1)} s: ${(JOBS / (wall / 1000)).toFixed(2)} jobs/s; hosts' capacity used ${(used * 100).toFixed(1)} % (aim: at least 90 %)`,
    );
  } finally {
    await running.close();
    await Promise.all(hosts.map((host) => host.close()));
  }
}

/** Jobs one at a time, each timed from being handed over until its answer: the mean, in ms. */
async function oneAtATime(execute: (i: number) => Promise<void>, screens: Screens, count: number) {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await Promise.all([execute(i), screens.answeredBy(i + 1)]);
    total += performance.now() - started;
  }
  return total / count;
}

async function overhead(redis: TestRedis): Promise<void> {
  const count = 15;
  const host = await startFakeOllama({ tokenDelayMs: TOKEN_DELAY_MS });
  try {
    // Through Redis: a front adds, a worker takes.
    const queued = new Screens();
    const running = cluster(redis.url, redis.prefix(), queued);
    const busyQueued = { ms: 0 };
    const config = loadConfig({ OLLAMA_HOST: host.url });
    running.addWorker(host.url, { recap: createRecap(config, { fetch: timingFetch(busyQueued) }) });
    await until(() => running.lines.some((line) => line.includes('taking jobs')));
    const viaQueue = await oneAtATime(
      (i) => running.front.execute(textJob(`Q${i}`, text(100 + i))),
      queued,
      count,
    );
    await running.close();
    // In one process: the same work with no Redis.
    const local = new Screens();
    const busyLocal = { ms: 0 };
    const executor = localExecutor({
      recap: createRecap(config, { fetch: timingFetch(busyLocal) }),
      log: collectingLogger([]),
      progressIntervalMs: 0,
    });
    executor.attach('slack', recordingKit(local));
    const inProcess = await oneAtATime(
      (i) => executor.execute(textJob(`L${i}`, text(200 + i)), new AbortController().signal),
      local,
      count,
    );
    const model = (busyQueued.ms + busyLocal.ms) / (2 * count);
    const extra = viaQueue - inProcess;
    console.log(
      `  queue overhead, one job at a time: ${viaQueue.toFixed(1)} ms a job through Redis, ${inProcess.toFixed(1)} ms in one process, model ${model.toFixed(1)} ms: ${extra.toFixed(1)} ms = ${((extra / model) * 100).toFixed(2)} % of the model's time (aim: under 1 %)`,
    );
  } finally {
    await host.close();
  }
}

async function frontAcks(redis: TestRedis): Promise<void> {
  console.log('  acknowledgements of 500 simultaneous Slack /summarize (ms):   p50    p99    max  over 3 s');
  const apps = [
    { label: 'bare Bolt app', name: 'bare' as const, extra: {} },
    { label: 'recap, one process', name: 'recap' as const, extra: {} },
    {
      label: 'recap front on Redis',
      name: 'recap' as const,
      extra: { ROLE: 'front', REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix() },
    },
  ];
  for (const app of apps) {
    const [slack, ollama] = await Promise.all([startFakeSlack(), startFakeOllama()]);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const chosen = slackApps({ apiUrl: slack.apiUrl, port, ollamaUrl: ollama.url }).find(
      (a) => a.name === app.name,
    );
    if (!chosen) throw new Error(`no ${app.name} app`);
    const [command = process.execPath, ...args] = chosen.command;
    const child = watch(
      spawn(command, args, {
        env: { PATH: process.env.PATH ?? '', ...chosen.env, ...app.extra },
        stdio: 'pipe',
      }),
      null,
    );
    try {
      await child.waitForOutput(chosen.ready.pattern, { stream: chosen.ready.stream, limitMs: 60_000 });
      const sender = await startBurstSender();
      const stats = await sender
        .send(port, slackRequests(slack as FakeSlack, port, 5, 'warm-up'))
        .then(() => sender.send(port, slackRequests(slack, port, 500, 'burst')))
        .then(ackStats)
        .finally(() => sender.close());
      const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0).padStart(6) : '  none');
      console.log(
        `    ${app.label.padEnd(56)} ${ms(stats.p50)} ${ms(stats.p99)} ${ms(stats.max)} ${String(stats.late).padStart(9)}`,
      );
    } finally {
      child.child.kill('SIGTERM');
      await child.exit(30_000).catch(() => child.child.kill('SIGKILL'));
      await Promise.all([slack.close(), ollama.close()]);
    }
  }
}

export async function benchScale(): Promise<void> {
  if (!HAS_REDIS) {
    console.log('\nSeveral processes: skipped (redis-server is not installed: apt-get install redis-server)');
    return;
  }
  const redis = await startRedis();
  try {
    await throughput(redis);
    await overhead(redis);
    await frontAcks(redis);
  } finally {
    await redis.stop();
  }
}
