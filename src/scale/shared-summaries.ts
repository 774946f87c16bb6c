/**
 * The summaries every worker shares: finished ones in a cache on Redis (a server of its own, whose
 * evicting policy keeps it bounded), and a lock per summary being made, on the jobs' server (which never
 * evicts), so that identical requests in different processes make one summary between them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { onAbort } from '../core/abort-listener.js';
import { cancelledError, describeCauses } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { RunLease, RunLocks, SummaryCache } from '../core/service.js';
import type { SummaryResult } from '../core/types.js';

/** A summary as stored: the cache is an edge like any other, read back through a schema. */
const StoredSummary = z.object({
  title: z.string().optional(),
  bullets: z.array(z.string()),
  model: z.string(),
  stats: z.object({
    chunks: z.number(),
    modelCalls: z.number(),
    promptTokens: z.number(),
    numCtx: z.number(),
    ms: z.number(),
  }),
  cached: z.boolean(),
});

/** Long enough to matter, and an expiry so a `volatile-*` policy can evict these keys too. */
const SUMMARY_TTL_S = 7 * 24 * 3600;

/** The cache on Redis. A cache that cannot answer is a miss, logged once per failure, never a failed summary. */
export function redisSummaryCache(redis: Redis, prefix: string, log: Logger): SummaryCache {
  const keyOf = (key: string) => `${prefix}:summary:${key}`;
  return {
    async get(key) {
      try {
        const text = await redis.get(keyOf(key));
        if (text === null) return undefined;
        const parsed = StoredSummary.safeParse(JSON.parse(text));
        return parsed.success ? (parsed.data as SummaryResult) : undefined;
      } catch (error) {
        log.warn(`the summary cache did not answer: ${describeCauses(error)}`);
        return undefined;
      }
    },
    async set(key, value) {
      try {
        await redis.set(keyOf(key), JSON.stringify({ ...value, cached: false }), 'EX', SUMMARY_TTL_S);
      } catch (error) {
        log.warn(`the summary cache did not keep a summary: ${describeCauses(error)}`);
      }
    },
  };
}

export interface RunLockOptions {
  /** How long a lock outlives a process that stopped renewing it (SIGKILL). */
  ttlMs?: number;
  /** How often a waiting process looks whether the lock has gone. */
  pollMs?: number;
}

/** Extends the lock only while it is still ours (a lock that expired may be someone else's now). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Locks with expiry, renewed while held: SET NX PX, then compare-and-renew and compare-and-delete. */
export function redisRunLocks(redis: Redis, prefix: string, options: RunLockOptions = {}): RunLocks {
  const ttlMs = options.ttlMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  const keyOf = (key: string) => `${prefix}:run:${key}`;
  return {
    async acquire(key): Promise<RunLease | undefined> {
      const token = randomUUID();
      const lockKey = keyOf(key);
      if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      const renewal = setInterval(() => {
        redis.eval(RENEW, 1, lockKey, token, ttlMs).catch(() => undefined);
      }, ttlMs / 3);
      renewal.unref();
      return {
        async release() {
          clearInterval(renewal);
          await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
        },
      };
    },
    async released(key, signal) {
      const lockKey = keyOf(key);
      while ((await redis.exists(lockKey)) === 1) await pause(pollMs, signal);
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelledError(signal.reason));
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(cancelledError(signal.reason));
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
}
