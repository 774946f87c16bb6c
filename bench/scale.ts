/**
 * Several processes (issue 13), measured side by side in one run on a real Redis:
 * - throughput: 80 jobs (SCALE_JOBS) through 2 workers × 2 slots on two fake Ollama hosts whose answers
 *   take a fixed time per token; the hosts' capacity used is the model's busy time over every slot's
 *   wall time;
 * - queue overhead: jobs one at a time; the time a job spends in Redis and BullMQ (from the front adding
 *   it to a worker taking it) against the model's time for it; and, in turn with each, the same job in
 *   one process with no Redis, for the whole difference a front and a worker make;
 * - a front's acknowledgements under 500 simultaneous Slack requests: a bare Bolt app, recap as one
 *   process, and recap as a front on Redis (which asks Redis after its acknowledgements), as the sender
 *   sees them and as the app itself takes them (bench/acks/server-timing.mjs).
 * - a long document as a flow: one document of about 8 parts (a context of 2048), in one process (its
 *   parts one after another), then through 1, 2 and 4 workers of 2 slots (its parts spread over them),
 *   in turn, each on hosts of its own.
 * The workers run in this process (beside the fakes), the apps whose acks are measured in their own.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRecap } from '../src/app.js';
import { localExecutor } from '../src/commands/job.js';
import { loadConfig } from '../src/config.js';
import { startFakeOllama } from '../test/fakes/ollama.js';
import { startFakeSlack } from '../test/fakes/slack.js';
import { startBurstSender } from '../test/helpers/burst-sender.js';
import { collectingLogger } from '../test/helpers/logs.js';
import { watch } from '../test/helpers/spawn.js';
import { freePort, get, sample } from '../test/scale/cluster.js';
import { HAS_REDIS, startRedis, type TestRedis } from '../test/scale/redis-server.js';
import { cluster, recordingKit, Screens, textJob, until } from '../test/scale/worker-harness.js';
import { slackApps } from './acks/apps.js';
import { ackStats, type Latencies, slackRequests } from './acks/load.js';

const JOBS = Number(process.env.SCALE_JOBS ?? 80);
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
    console.log('  2 workers × 2 slots, two fake hosts (a fixed time per token)');
    console.log(
      `  ${JOBS} jobs in ${(wall / 1000).toFixed(1)} s: ${(JOBS / (wall / 1000)).toFixed(2)} jobs/s; hosts' capacity used ${(used * 100).toFixed(1)} % (aim: at least 90 %)`,
    );
  } finally {
    await running.close();
    await Promise.all(hosts.map((host) => host.close()));
  }
}

/** The middle value (a spike of load on a shared machine moves it less than the mean). */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** One job, timed from being handed over until its answer (ms). */
async function timed(execute: () => Promise<void>, screens: Screens): Promise<number> {
  const answered = screens.answeredBy(screens.answered() + 1);
  const started = performance.now();
  await Promise.all([execute(), answered]);
  return performance.now() - started;
}

/**
 * Jobs one at a time, through Redis and in one process in turn (so both see the same load on the
 * machine), against one fake host; the model's own time is measured on the calls themselves.
 */
async function overhead(redis: TestRedis): Promise<void> {
  const count = 15;
  const host = await startFakeOllama({ tokenDelayMs: TOKEN_DELAY_MS });
  const config = loadConfig({ OLLAMA_HOST: host.url });
  const queued = new Screens();
  const running = cluster(redis.url, redis.prefix(), queued);
  const local = new Screens();
  try {
    const busy = { ms: 0 };
    running.addWorker(host.url, { recap: createRecap(config, { fetch: timingFetch(busy) }) });
    await until(() => running.lines.some((line) => line.includes('taking jobs')));
    const executor = localExecutor({
      recap: createRecap(config, { fetch: timingFetch(busy) }),
      log: collectingLogger([]),
      progressIntervalMs: 0,
    });
    executor.attach('slack', recordingKit(local));
    const viaQueue: number[] = [];
    const inProcess: number[] = [];
    const handOver: number[] = [];
    for (let i = 0; i < count; i++) {
      const handedAt = Date.now();
      viaQueue.push(await timed(() => running.front.execute(textJob(`Q${i}`, text(100 + i))), queued));
      // In Redis and BullMQ: from the front adding the job to a worker taking it (BullMQ's processedOn).
      const taken = (await running.queue.getJob(`slack-Q${i}`))?.processedOn ?? Number.NaN;
      handOver.push(taken - handedAt);
      const job = textJob(`L${i}`, text(200 + i));
      inProcess.push(await timed(() => executor.execute(job, new AbortController().signal), local));
    }
    const model = busy.ms / (2 * count);
    const share = (ms: number) => `${((ms / model) * 100).toFixed(2)} %`;
    const extra = median(viaQueue) - median(inProcess);
    console.log(
      `  queue overhead, one job at a time (medians of ${count}; model ${model.toFixed(1)} ms a job): in Redis and BullMQ (added → taken) ${median(handOver).toFixed(1)} ms = ${share(median(handOver))} of the model's time (aim: under 1 %)`,
    );
    console.log(
      `    end to end, a front and a worker against one process: ${median(viaQueue).toFixed(1)} ms against ${median(inProcess).toFixed(1)} ms, ${extra.toFixed(1)} ms more = ${share(extra)}`,
    );
  } finally {
    await running.close();
    await host.close();
  }
}

const ACK_BURST = 500;
const ACK_WARM_UP = 5;
const SERVER_TIMING = fileURLToPath(new URL('./acks/server-timing.mjs', import.meta.url));

interface AckApp {
  label: string;
  name: 'bare' | 'recap';
  /** A front on Redis: its settings, and the port of its /metrics. */
  front?: boolean;
}

interface AckRun {
  /** As the sender sees it: from its connection to the response's status line. */
  sent: Latencies;
  /** In the app: from the request's arrival at its HTTP server to the response written. */
  server: number[];
  /** A front's own `recap_ack_seconds`, as /metrics exports it. */
  metrics?: string;
}

/** The bucket of a histogram on /metrics that holds its 99th percentile, as "≤ N ms (of M)". */
function metricsP99(text: string, name: string): string {
  const count = sample(text, `${name}_count{platform="slack"}`) ?? 0;
  for (const line of text.split('\n')) {
    const bucket = /^\w+_bucket\{le="([^"]+)",platform="slack"\} (\d+)$/.exec(line);
    if (line.startsWith(`${name}_bucket`) && bucket && Number(bucket[2]) >= 0.99 * count)
      return `p99 ≤ ${Number(bucket[1]) * 1000} ms of ${count}`;
  }
  return `none of ${count}`;
}

/** One burst to one app, started for it on fakes of its own, with the same sender and the same requests. */
async function ackRun(app: AckApp, redis: TestRedis): Promise<AckRun> {
  const [slack, ollama] = await Promise.all([startFakeSlack(), startFakeOllama()]);
  // Free ports, as the tests take them: a random one was sometimes taken by another process.
  const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
  const chosen = slackApps({ apiUrl: slack.apiUrl, port, ollamaUrl: ollama.url }).find(
    (a) => a.name === app.name,
  );
  if (!chosen) throw new Error(`no ${app.name} app`);
  const timings = join(mkdtempSync(join(tmpdir(), 'recap-acks-')), 'server.json');
  const front = app.front
    ? { ROLE: 'front', REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix(), METRICS_PORT: String(metricsPort) }
    : {};
  const [command = process.execPath, ...args] = chosen.command;
  const child = watch(
    spawn(command, ['--import', SERVER_TIMING, ...args], {
      env: { PATH: process.env.PATH ?? '', ...chosen.env, ...front, ACK_TIMING_FILE: timings },
      stdio: 'pipe',
    }),
    null,
  );
  try {
    await child.waitForOutput(chosen.ready.pattern, { stream: chosen.ready.stream, limitMs: 60_000 });
    // A front serves /metrics once it has started every part.
    if (app.front) await child.waitForOutput(/started as front/, { stream: 'stderr', limitMs: 60_000 });
    const sender = await startBurstSender();
    const sent = await sender
      .send(port, slackRequests(slack, port, ACK_WARM_UP, 'warm-up'))
      .then(() => sender.send(port, slackRequests(slack, port, ACK_BURST, 'burst')))
      .finally(() => sender.close());
    const metrics = app.front
      ? metricsP99((await get(metricsPort, '/metrics')).text, 'recap_ack_seconds')
      : undefined;
    child.child.kill('SIGTERM');
    await child.exit(30_000).catch(() => child.child.kill('SIGKILL'));
    // None when the app had to be killed (it writes them as it exits).
    const server = existsSync(timings)
      ? (JSON.parse(readFileSync(timings, 'utf8')) as number[]).slice(ACK_WARM_UP)
      : [];
    return { sent, server, ...(metrics ? { metrics } : {}) };
  } finally {
    child.child.kill('SIGKILL');
    rmSync(dirname(timings), { recursive: true, force: true });
    await Promise.all([slack.close(), ollama.close()]);
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0).padStart(5) : ' none');

/** One table of the acks section: each app's pooled p50, p99 and max, against the bare app's, and each round's p99. */
function ackTable(
  heading: string,
  rows: { label: string; rounds: Latencies[]; note?: string | undefined }[],
) {
  console.log(`    ${heading.padEnd(50)}   p50   p99   max  ÷ bare  over 3 s  p99 by round`);
  const bare = ackStats(rows[0]?.rounds.flat() ?? []).p99;
  for (const row of rows) {
    const stats = ackStats(row.rounds.flat());
    const ratio = `${(stats.p99 / bare).toFixed(2)}×`.padStart(7);
    const byRound = row.rounds.map((round) => ms(ackStats(round).p99).trim()).join(', ');
    console.log(
      `      ${row.label.padEnd(48)} ${ms(stats.p50)} ${ms(stats.p99)} ${ms(stats.max)} ${ratio} ${String(stats.late).padStart(9)}  ${byRound}${row.note ? `  ${row.note}` : ''}`,
    );
  }
}

/**
 * The same burst to a bare Bolt app, recap as one process and recap as a front on Redis, SCALE_ACK_ROUNDS
 * (default 2) times each, the order turning every round, pooled; the p99 of each round shows the spread.
 */
async function frontAcks(redis: TestRedis): Promise<void> {
  const apps: AckApp[] = [
    { label: 'bare Bolt app', name: 'bare' },
    { label: 'recap, one process', name: 'recap' },
    { label: 'recap front on Redis', name: 'recap', front: true },
  ];
  const rounds = Number(process.env.SCALE_ACK_ROUNDS ?? 2);
  const runs = new Map<AckApp, AckRun[]>(apps.map((app) => [app, []]));
  const loadBefore = loadavg()[0] ?? Number.NaN;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < apps.length; i++) {
      const app = apps[(i + round) % apps.length] as AckApp;
      runs.get(app)?.push(await ackRun(app, redis));
    }
  }
  console.log(
    `  acknowledgements of ${ACK_BURST} simultaneous Slack /summarize, ${rounds} rounds pooled (ms; load ${loadBefore.toFixed(1)} before, ${loadavg()[0]?.toFixed(1)} after)`,
  );
  const table = (pick: (run: AckRun) => Latencies, note?: (own: AckRun[]) => string | undefined) =>
    apps.map((app) => {
      const own = runs.get(app) ?? [];
      return { label: app.label, rounds: own.map(pick), note: note?.(own) };
    });
  ackTable(
    'as the sender sees it (connection → status line)',
    table((run) => run.sent),
  );
  const metrics = (own: AckRun[]) => {
    const exported = own.flatMap((run) => run.metrics ?? []);
    return exported.length ? `(/metrics recap_ack_seconds: ${exported.join('; ')})` : undefined;
  };
  ackTable(
    'in the app (arrival → response written)',
    table((run) => run.server, metrics),
  );
}

/** About 8 parts at a context of 2048: distinct sentences, as a long meeting's transcript. */
const longDocument = () =>
  Array.from(
    { length: 300 },
    (_, i) =>
      `At minute ${i}, the team reviewed budget line ${i * 7} and agreed that owner ${i % 13} follows up.`,
  ).join(' ');

/** The wall time of one long document in one process, and through 1, 2 or 4 workers (ms), with its parts. */
async function longDocumentRun(
  redis: TestRedis,
  workers: 0 | 1 | 2 | 4,
): Promise<{ ms: number; parts: number }> {
  const hosts = await Promise.all(
    Array.from({ length: Math.max(1, workers) }, () =>
      startFakeOllama({ parallel: 2, tokenDelayMs: TOKEN_DELAY_MS }),
    ),
  );
  const env = { RECAP_NUM_CTX: '2048', RECAP_QUEUE_CONCURRENCY: '2' };
  const screens = new Screens();
  const running = workers === 0 ? undefined : cluster(redis.url, redis.prefix(), screens);
  try {
    let execute: () => Promise<void>;
    if (running) {
      for (const host of hosts) running.addWorker(host.url, { takeParts: true }, env);
      await until(() => running.lines.filter((line) => line.includes('taking jobs')).length === workers);
      execute = () => running.front.execute(textJob('Long', longDocument()));
    } else {
      const config = loadConfig({ OLLAMA_HOST: hosts[0]?.url ?? '', ...env });
      const executor = localExecutor({
        recap: createRecap(config),
        log: collectingLogger([]),
        progressIntervalMs: 0,
      });
      executor.attach('slack', recordingKit(screens));
      execute = () => executor.execute(textJob('Long', longDocument()), new AbortController().signal);
    }
    const ms = await timed(execute, screens);
    const parts = hosts
      .flatMap((host) => host.chats)
      .filter((chat) => /This is part \d+ of/.test(chat.seenPrompt));
    return { ms, parts: parts.length };
  } finally {
    await running?.close();
    await Promise.all(hosts.map((host) => host.close()));
  }
}

async function longDocumentFlow(redis: TestRedis): Promise<void> {
  const one = await longDocumentRun(redis, 0);
  const single = await longDocumentRun(redis, 1);
  const double = await longDocumentRun(redis, 2);
  const quadruple = await longDocumentRun(redis, 4);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const share = (ms: number, of: number) => `${((ms / of) * 100).toFixed(0)} %`;
  console.log(
    `  one long document (${double.parts} parts), hosts of 2 slots: one process ${s(one.ms)}; 1 worker ${s(single.ms)}; 2 workers ${s(double.ms)} = ${share(double.ms, single.ms)} of 1 worker's time (${share(double.ms, one.ms)} of one process's); 4 workers ${s(quadruple.ms)} = ${share(quadruple.ms, single.ms)} of 1 worker's time (${share(quadruple.ms, one.ms)} of one process's; aim: about a quarter on 4 hosts)`,
  );
}

export async function benchScale(): Promise<void> {
  if (!HAS_REDIS) {
    console.log('\nSeveral processes: skipped (redis-server is not installed: apt-get install redis-server)');
    return;
  }
  const redis = await startRedis();
  // The figures are ratios measured side by side; the machine's load says how much to trust them.
  console.log(
    `\nSeveral processes (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  // SCALE_ONLY=acks (or throughput, overhead, flow, comma-separated) runs those sections only.
  const only = process.env.SCALE_ONLY?.split(',');
  const sections = { throughput, overhead, flow: longDocumentFlow, acks: frontAcks };
  try {
    for (const [name, section] of Object.entries(sections))
      if (!only || only.includes(name)) await section(redis);
  } finally {
    await redis.stop();
  }
}
