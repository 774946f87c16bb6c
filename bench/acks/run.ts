/**
 * Acknowledgements under bursts (issue 9): 200 and 500 simultaneous /summarize requests to Slack in
 * HTTP mode (signed POSTs to /slack/events) and to Discord (INTERACTION_CREATE through the fake
 * gateway, timed at the fake's interaction callback), for recap and for a bare app that only
 * acknowledges, side by side in one run. Each app runs in its own process on fresh fakes (and the
 * fake Ollama behind recap); the bench process holds the fakes and the load generator.
 * ACK_ROUNDS (default 2) repeats each measurement, alternating bare and recap; figures pool the rounds.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../../test/fakes/ollama.js';
import { type FakeSlack, startFakeSlack } from '../../test/fakes/slack.js';
import { type RunningRecap, watch } from '../../test/helpers/spawn.js';
import { type AppUnderTest, discordApps, slackApps } from './apps.js';
import {
  ACK_DEADLINE_MS,
  type AckStats,
  ackStats,
  discordBurst,
  type Latencies,
  slackBurst,
} from './load.js';

const BURSTS = [200, 500];
const WARM_UP = 5;
const START_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 30_000;

interface Platform {
  name: 'slack' | 'discord';
  /** Starts the fakes, runs the app chosen by name on them, and measures one burst (after a warm-up). */
  measure(app: AppUnderTest['name'], count: number): Promise<Latencies>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function running<T>(app: AppUnderTest, work: () => Promise<T>): Promise<T> {
  const [command = process.execPath, ...args] = app.command;
  const child: RunningRecap = watch(
    spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...app.env }, stdio: 'pipe' }),
    null,
  );
  try {
    await child.waitForOutput(app.ready.pattern, { stream: app.ready.stream, limitMs: START_LIMIT_MS });
    return await work();
  } finally {
    child.child.kill('SIGTERM');
    await child.exit(STOP_LIMIT_MS).catch(() => child.child.kill('SIGKILL'));
  }
}

async function withFakes<T extends { close(): Promise<void> }, R>(
  start: () => Promise<T>,
  work: (fake: T, ollama: FakeOllama) => Promise<R>,
): Promise<R> {
  const [fake, ollama] = await Promise.all([start(), startFakeOllama()]);
  try {
    return await work(fake, ollama);
  } finally {
    await Promise.all([fake.close(), ollama.close()]);
  }
}

const slack: Platform = {
  name: 'slack',
  measure: (name, count) =>
    withFakes(startFakeSlack, async (fake: FakeSlack, ollama) => {
      const port = await freePort();
      const app = slackApps({ apiUrl: fake.apiUrl, port, ollamaUrl: ollama.url }).find(
        (a) => a.name === name,
      );
      const url = `http://127.0.0.1:${port}/slack/events`;
      return running(app as AppUnderTest, async () => {
        await slackBurst(fake, url, WARM_UP);
        return slackBurst(fake, url, count);
      });
    }),
};

const discord: Platform = {
  name: 'discord',
  measure: (name, count) =>
    withFakes(startFakeDiscord, async (fake: FakeDiscord, ollama) => {
      const app = discordApps({ restApi: fake.restApi, ollamaUrl: ollama.url }).find((a) => a.name === name);
      // Late acknowledgements are measured too, up to well past Discord's 3 s.
      const limitMs = 10 * ACK_DEADLINE_MS;
      return running(app as AppUnderTest, async () => {
        await discordBurst(fake, WARM_UP, limitMs);
        return discordBurst(fake, count, limitMs);
      });
    }),
};

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0).padStart(6) : '  none');

function row(platform: string, count: number, app: string, stats: AckStats, lag: number, ratio?: number) {
  const times = `${ms(stats.p50)} ${ms(stats.p99)} ${ms(stats.max)}`;
  const late = String(stats.late).padStart(9);
  const ratioText = ratio === undefined ? '' : `${ratio.toFixed(2)}×`.padStart(18);
  return `${platform.padEnd(8)} ${String(count).padStart(5)} ${app.padEnd(6)} ${times} ${late}    ${ms(lag)}${ratioText}`;
}

/**
 * How late the bench process's own event loop ran while measuring (p99, ms): the fakes and the load
 * generator share it, so a large figure means part of an app's latency was the bench's own delay.
 */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ result: T; p99DelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    return { result: await work(), p99DelayMs: histogram.percentile(99) / 1e6 };
  } finally {
    histogram.disable();
  }
}

export async function benchAcks(rounds = Number(process.env.ACK_ROUNDS ?? 2)): Promise<void> {
  console.log('\nAcknowledgements under bursts (ms from request or dispatch to acknowledgement)');
  console.log('platform burst app       p50    p99    max  over 3 s  bench lag  p99 recap ÷ bare');
  for (const platform of [slack, discord]) {
    for (const count of BURSTS) {
      const pooled: Record<AppUnderTest['name'], Latencies> = { bare: [], recap: [] };
      const lag: Record<AppUnderTest['name'], number> = { bare: 0, recap: 0 };
      for (let round = 0; round < rounds; round++) {
        for (const name of ['bare', 'recap'] as const) {
          const measured = await withLoopDelay(() => platform.measure(name, count));
          pooled[name].push(...measured.result);
          lag[name] = Math.max(lag[name], measured.p99DelayMs);
        }
      }
      const bare = ackStats(pooled.bare);
      const recap = ackStats(pooled.recap);
      console.log(row(platform.name, count, 'bare', bare, lag.bare));
      console.log(row(platform.name, count, 'recap', recap, lag.recap, recap.p99 / bare.p99));
    }
  }
  console.log(
    `(${rounds} rounds each, pooled; "over 3 s": acknowledged late or never; "bench lag": the worst p99 delay ` +
      "of the bench process's own event loop, which holds the fakes and the load generator)",
  );
}
