/**
 * Acknowledgements under bursts (issue 9): 200 and 500 simultaneous /summarize requests to Slack in
 * HTTP mode (signed POSTs to /slack/events) and to Discord (INTERACTION_CREATE through the fake
 * gateway, timed at the fake's interaction callback), for recap and for a bare app that only
 * acknowledges, side by side in one run. Each app runs in its own process on fakes of its own (and the
 * fake Ollama behind recap); both are up at once, and their bursts alternate, each followed by a wait
 * until its app has done what the burst asked, so the two are measured under the same load of the
 * machine. The bench process holds the fakes and Discord's load generator; Slack's requests come from
 * a process of their own (test/helpers/burst-sender.ts). ACK_ROUNDS (default 4) bursts of each size go to each app; the
 * figures pool them.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord.js';
import { type FakeOllama, startFakeOllama } from '../../test/fakes/ollama.js';
import { type FakeSlack, startFakeSlack } from '../../test/fakes/slack.js';
import { startBurstSender } from '../../test/helpers/burst-sender.js';
import { type RunningRecap, watch } from '../../test/helpers/spawn.js';
import { type AppUnderTest, discordApps, slackApps } from './apps.js';
import { discordEndStates, type EndStates, slackEndStates } from './end-states.js';
import {
  ACK_DEADLINE_MS,
  type AckStats,
  ackStats,
  discordBurst,
  type Latencies,
  slackRequests,
} from './load.js';

const BURSTS = [200, 500];
const WARM_UP = 5;
const START_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 30_000;
/** An app has done what a burst asked once the platform has heard nothing from it for this long. */
const SETTLED_AFTER_MS = 1000;
const SETTLE_LIMIT_MS = 180_000;

/** One app running on fakes of its own. */
interface Rig {
  burst(count: number, round: string): Promise<Latencies>;
  /** Resolves once the app has stopped calling the platform: what the last burst asked is done. */
  settled(): Promise<void>;
  /** How the requests sent so far ended, as the platform shows them. */
  endStates(): EndStates;
  close(): Promise<void>;
}

interface Platform {
  name: 'slack' | 'discord';
  /** Starts fakes, and the app chosen by name on them. */
  rig(app: AppUnderTest['name']): Promise<Rig>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function launch(app: AppUnderTest): Promise<() => Promise<void>> {
  const [command = process.execPath, ...args] = app.command;
  const child: RunningRecap = watch(
    spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...app.env }, stdio: 'pipe' }),
    null,
  );
  const stop = async () => {
    child.child.kill('SIGTERM');
    await child.exit(STOP_LIMIT_MS).catch(() => child.child.kill('SIGKILL'));
  };
  await child
    .waitForOutput(app.ready.pattern, { stream: app.ready.stream, limitMs: START_LIMIT_MS })
    .catch(async (error: unknown) => {
      await stop();
      throw error;
    });
  return stop;
}

/** Waits until `count()` (the calls a fake has received) stops changing. */
async function quiet(count: () => number): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let last = -1;
  while (count() !== last && Date.now() < deadline) {
    last = count();
    await new Promise((resolve) => setTimeout(resolve, SETTLED_AFTER_MS));
  }
}

/** Starts a fake platform and the fake Ollama, then `start` on them; everything closes with the rig. */
async function rigOn<T extends { close(): Promise<void> }>(
  startFake: () => Promise<T>,
  start: (fake: T, ollama: FakeOllama) => Promise<Omit<Rig, 'close'> & { stop(): Promise<void> }>,
): Promise<Rig> {
  const [fake, ollama] = await Promise.all([startFake(), startFakeOllama()]);
  const closeFakes = () => Promise.all([fake.close(), ollama.close()]).then(() => undefined);
  const started = await start(fake, ollama).catch(async (error: unknown) => {
    await closeFakes();
    throw error;
  });
  return {
    burst: started.burst,
    settled: started.settled,
    endStates: started.endStates,
    async close() {
      await started.stop();
      await closeFakes();
    },
  };
}

const slack: Platform = {
  name: 'slack',
  rig: (name) =>
    rigOn(startFakeSlack, async (fake: FakeSlack, ollama) => {
      const port = await freePort();
      const app = slackApps({ apiUrl: fake.apiUrl, port, ollamaUrl: ollama.url }).find(
        (a) => a.name === name,
      );
      const [stopApp, sender] = await Promise.all([launch(app as AppUnderTest), startBurstSender()]);
      return {
        burst: (count, round) => sender.send(port, slackRequests(fake, port, count, round)),
        settled: () => quiet(() => fake.calls.length + fake.responseAttempts.length),
        endStates: () => slackEndStates(fake),
        async stop() {
          sender.close();
          await stopApp();
        },
      };
    }),
};

const discord: Platform = {
  name: 'discord',
  rig: (name) =>
    rigOn(startFakeDiscord, async (fake: FakeDiscord, ollama) => {
      const app = discordApps({ restApi: fake.restApi, ollamaUrl: ollama.url }).find((a) => a.name === name);
      // Late acknowledgements are measured too, up to well past Discord's 3 s.
      const limitMs = 10 * ACK_DEADLINE_MS;
      return {
        burst: (count, round) => discordBurst(fake, count, round, limitMs),
        settled: () => quiet(() => fake.rest.length),
        endStates: () => discordEndStates(fake),
        stop: await launch(app as AppUnderTest),
      };
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

/** Both apps up at once; bursts alternate between them, each followed by a wait until its app is done. */
async function measurePlatform(platform: Platform, rounds: number): Promise<void> {
  const bare = await platform.rig('bare');
  const recap = await platform.rig('recap').catch(async (error: unknown) => {
    await bare.close();
    throw error;
  });
  const rigs = { bare, recap };
  let sent = 0;
  try {
    for (const rig of Object.values(rigs)) {
      await rig.burst(WARM_UP, 'warm-up');
      await rig.settled();
    }
    sent += WARM_UP;
    for (const count of BURSTS) {
      const pooled: Record<AppUnderTest['name'], Latencies> = { bare: [], recap: [] };
      const lag: Record<AppUnderTest['name'], number> = { bare: 0, recap: 0 };
      for (let round = 0; round < rounds; round++) {
        // Alternating which goes first, so neither always follows the other's after-work.
        const order = round % 2 === 0 ? (['bare', 'recap'] as const) : (['recap', 'bare'] as const);
        for (const name of order) {
          const measured = await withLoopDelay(() => rigs[name].burst(count, `${count}.${round}`));
          pooled[name].push(...measured.result);
          if (name === 'recap') sent += count;
          lag[name] = Math.max(lag[name], measured.p99DelayMs);
          await rigs[name].settled();
        }
      }
      const stats = { bare: ackStats(pooled.bare), recap: ackStats(pooled.recap) };
      console.log(row(platform.name, count, 'bare', stats.bare, lag.bare));
      console.log(
        row(platform.name, count, 'recap', stats.recap, lag.recap, stats.recap.p99 / stats.bare.p99),
      );
    }
    reportEndStates(platform.name, sent, recap.endStates());
  } finally {
    await Promise.all([bare.close(), recap.close()]);
  }
}

/** Every request recap was sent must have ended visibly, with no placeholder left waiting. */
function reportEndStates(platform: string, sent: number, ends: EndStates): void {
  const visible = ends.summaries + ends.notices;
  const ok = visible >= sent && ends.waiting === 0;
  console.log(
    `${platform.padEnd(8)} recap's ends: ${sent} requests, ${ends.summaries} summaries, ${ends.notices} notices, ` +
      `${ends.waiting} left waiting${ok ? '' : '  <- NOT EVERY REQUEST ENDED VISIBLY'}`,
  );
  if (!ok) process.exitCode = 1;
}

export async function benchAcks(rounds = Number(process.env.ACK_ROUNDS ?? 4)): Promise<void> {
  console.log('\nAcknowledgements under bursts (ms from request or dispatch to acknowledgement)');
  console.log('platform burst app       p50    p99    max  over 3 s  bench lag  p99 recap ÷ bare');
  // ACK_PLATFORMS=slack (or discord) measures one platform only.
  const only = process.env.ACK_PLATFORMS?.split(',');
  for (const platform of [slack, discord].filter((p) => !only || only.includes(p.name)))
    await measurePlatform(platform, rounds);
  console.log(
    `(${rounds} rounds each, alternating, pooled; "over 3 s": acknowledged late or never; "bench lag": the ` +
      "worst p99 delay of the bench process's own event loop, which holds the fakes and, for Discord, the load " +
      'generator; Slack requests come from a process of their own)',
  );
}
