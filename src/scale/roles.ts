/**
 * `recap start` with REDIS_URL: the roles of issue 13. A front holds the chat connections and queues the
 * jobs; a worker runs them against its Ollama host; `all` is both in one process. Everything is checked
 * before anything starts (Redis answers, the jobs' server never evicts, the cache's server does), so a
 * wrong setting stops the process at once with one line saying what to fix.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createChatRuntime, createRecap, type Recap } from '../app.js';
import type { ChatRuntime } from '../commands/runtime.js';
import { DEFAULT_POLICY } from '../commands/surface.js';
import type { Config, RedisConfig } from '../config.js';
import { describeCauses } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { RedisAdmission } from './admission.js';
import { queueExecutor } from './front.js';
import { platformChecks, type Readiness, startHealthServer } from './health-server.js';
import { probeHost } from './host-health.js';
import { QUEUE_NAME, type QueuedJob } from './jobs.js';
import { workerKits } from './kits.js';
import { Metrics } from './metrics.js';
import { createPartsFlow } from './parts.js';
import { bullConnection, connectRedis, requireEviction, requireNoEviction } from './redis.js';
import { redisRunLocks, redisSummaryCache } from './shared-summaries.js';
import { type ChatWorker, startWorker } from './worker.js';

/** A chat platform a front started: how to stop it, and whether it is connected. */
export interface StartedPlatform {
  stop(): Promise<void>;
  ready(): true | string;
}

export type StartPlatforms = (runtime: ChatRuntime, recap: Recap) => Promise<StartedPlatform[]>;

export interface Running {
  stop(): Promise<void>;
}

/** Undoes what was started so far, last first, whatever fails on the way. */
class Closers {
  private readonly all: (() => Promise<unknown>)[] = [];
  add(close: () => Promise<unknown>): void {
    this.all.unshift(close);
  }
  async run(): Promise<void> {
    for (const close of this.all) await close().catch(() => undefined);
  }
}

export async function startScaled(
  config: Config & { redis: RedisConfig },
  log: Logger,
  startPlatforms: StartPlatforms,
): Promise<Running> {
  const closers = new Closers();
  try {
    return await startRoles(config, log, startPlatforms, closers);
  } catch (error) {
    await closers.run();
    throw error;
  }
}

async function startRoles(
  config: Config & { redis: RedisConfig },
  log: Logger,
  startPlatforms: StartPlatforms,
  closers: Closers,
): Promise<Running> {
  const { url, prefix } = config.redis;
  const metrics = new Metrics();
  const redis = await connectRedis(url, 'REDIS_URL', 'producer');
  closers.add(() => redis.quit());
  await requireNoEviction(redis, url);
  const queue = new Queue<QueuedJob>(QUEUE_NAME, { connection: bullConnection(url, 'producer'), prefix });
  queue.on('error', (error) => log.error(`queue: ${describeCauses(error)}`));
  closers.add(() => queue.close());
  metrics.jobsByState(() => queue.getJobCounts());

  const worker = config.role === 'front' ? undefined : await startWorkerRole(config, log, metrics, closers);
  const platforms =
    config.role === 'worker'
      ? []
      : await startFrontRole(config, log, metrics, redis, queue, startPlatforms, closers);
  const checks = async (): Promise<Readiness> => ({
    redis: await redis.ping().then(
      () => true as const,
      (error: unknown) => `Redis did not answer: ${describeCauses(error).split('\n')[0]}`,
    ),
    ...platformChecks(platforms),
    ...(worker
      ? { ollama: await worker.check().then((host) => (host.ready ? (true as const) : host.reason)) }
      : {}),
  });
  if (config.metricsPort !== undefined) {
    const health = await startHealthServer({ port: config.metricsPort, metrics, ready: checks, log });
    closers.add(() => health.close());
  }
  log.info(`started as ${config.role} (queue ${prefix}:${QUEUE_NAME})`);
  return { stop: () => closers.run() };
}

async function startWorkerRole(
  config: Config & { redis: RedisConfig },
  log: Logger,
  metrics: Metrics,
  closers: Closers,
): Promise<ChatWorker> {
  const { url, cacheUrl, prefix } = config.redis;
  // Locks wait for Redis through an outage, as BullMQ's workers do.
  const locks = await connectRedis(url, 'REDIS_URL', 'worker');
  closers.add(() => locks.quit());
  let cache: Redis | undefined;
  if (cacheUrl) {
    cache = await connectRedis(cacheUrl, 'REDIS_CACHE_URL', 'worker');
    closers.add(() => (cache as Redis).quit());
    await requireEviction(cache, cacheUrl);
  }
  // A long document's parts go to every worker; this one waits for them without holding a model slot.
  const parts = createPartsFlow({ redisUrl: url, prefix, model: config.ollama.model, log });
  closers.add(() => parts.close());
  const recap = createRecap(
    config,
    {},
    {
      cache: cache ? redisSummaryCache(cache, prefix, log) : undefined,
      // A dead worker's run lock frees itself as soon as its job runs again elsewhere.
      locks: redisRunLocks(locks, prefix, { ttlMs: config.jobLockMs }),
      metrics,
      runParts: parts.run,
      modelSlots: config.queue.concurrency,
    },
  );
  const worker = startWorker({
    recap,
    log,
    recapLimits: config.recaps,
    redisUrl: url,
    prefix,
    concurrency: config.queue.concurrency,
    lockMs: config.jobLockMs,
    takeParts: true,
    probe: () => probeHost(config.ollama.host, config.ollama.model),
    events: {
      started: (_job, waitedMs) => metrics.jobStarted(waitedMs),
      finished: (_job, outcome, error) => metrics.jobFinished(outcome, error),
      stage: (stage, ms) => metrics.stage(stage, ms),
      hostChanged: (state) => metrics.hostState(config.ollama.host, state.ready),
    },
  });
  for (const [platform, kit] of workerKits(config, recap.fetch, log)) worker.attach(platform, kit);
  worker.start();
  // Stopped first among the worker's parts: its jobs still need Redis and the platforms to finish.
  closers.add(() => worker.stop(config.shutdownGraceMs));
  log.info(
    `worker: ${config.queue.concurrency} at a time on ${config.ollama.host} (${config.ollama.model}); a job whose worker dies runs again after about ${config.jobLockMs / 1000} s`,
  );
  return worker;
}

async function startFrontRole(
  config: Config & { redis: RedisConfig },
  log: Logger,
  metrics: Metrics,
  redis: Redis,
  queue: Queue<QueuedJob>,
  startPlatforms: StartPlatforms,
  closers: Closers,
): Promise<StartedPlatform[]> {
  const { prefix } = config.redis;
  // The front runs no summaries: its core only downloads nothing and summarizes nothing, but the
  // platforms take its safe fetcher.
  const recap = createRecap(config);
  const runtime = createChatRuntime(config, recap, log, {
    executor: (backlog) =>
      queueExecutor({
        queue,
        log,
        maxWaiting: config.queue.maxWaiting,
        policy: { ...DEFAULT_POLICY, schedule: (call) => backlog.run(call) },
      }),
    shared: new RedisAdmission(redis, prefix, config.userLimit),
    onAcknowledged: (platform, ms) => metrics.acknowledged(platform, ms),
  });
  const platforms = await startPlatforms(runtime, recap).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  // Stopped first: no new requests, the jobs being queued are queued, then the connections close.
  closers.add(async () => {
    await runtime.stop();
    await Promise.allSettled(platforms.map((platform) => platform.stop()));
  });
  return platforms;
}
