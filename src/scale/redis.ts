/**
 * Connections to Redis, made the way BullMQ's "Going to production" guide asks
 * (docs/gitbook/guide/going-to-production.md): workers wait for Redis for ever (`maxRetriesPerRequest:
 * null`, the offline queue on), producers fail fast (`enableOfflineQueue: false`, one retry), and the
 * server of the jobs must never evict (`maxmemory-policy noeviction`, checked here before anything
 * starts, where BullMQ itself only warns).
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { describeCauses, RecapError } from '../core/errors.js';

/** How a connection behaves when Redis goes away. */
export type ConnectionKind = 'worker' | 'producer';

/**
 * ioredis options for a URL: `redis://` and `rediss://` as ioredis reads them, and `unix:///path.sock`
 * (with `?db=N`), which it does not. The URL may carry a password: it is never logged.
 */
export function redisOptions(url: string, kind: ConnectionKind): RedisOptions {
  const parsed = new URL(url);
  const base: RedisOptions =
    parsed.protocol === 'unix:'
      ? { path: decodeURIComponent(parsed.pathname), db: Number(parsed.searchParams.get('db') ?? 0) }
      : parseRedisUrl(parsed);
  return kind === 'worker'
    ? { ...base, maxRetriesPerRequest: null }
    : { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}

/** The same, as BullMQ takes them (it makes its own connections from them, one per role it needs). */
export function bullConnection(url: string, kind: ConnectionKind): ConnectionOptions {
  return redisOptions(url, kind) as ConnectionOptions;
}

function parseRedisUrl(url: URL): RedisOptions {
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Where a URL points, without its password, for logs and messages. */
export function describeRedis(url: string): string {
  const parsed = new URL(url);
  return parsed.protocol === 'unix:'
    ? parsed.pathname
    : `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** A connection that is up (or an error saying which setting to check), for a start-up check. */
export async function connectRedis(url: string, setting: string, kind: ConnectionKind): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(url, kind), lazyConnect: true });
  // Connection errors are reported by the commands that fail; this keeps ioredis from printing them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new RecapError(
      'queue_unavailable',
      `Redis at ${describeRedis(url)} (${setting}) did not answer: ${describeCauses(error).split('\n')[0]}. Is it running, and is ${setting} right?`,
      { cause: error },
    );
  }
}

/** The server's `maxmemory-policy`, read from INFO as BullMQ does (CONFIG may be disabled on hosted Redis). */
export async function evictionPolicy(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('memory');
  for (const line of info.split('\n')) {
    if (line.startsWith('maxmemory_policy:')) return line.slice('maxmemory_policy:'.length).trim();
  }
  return undefined;
}

/** Refuses a jobs' server that may evict keys: BullMQ loses jobs and locks when it does. */
export async function requireNoEviction(redis: Redis, url: string): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy !== undefined && policy !== 'noeviction') {
    throw new RecapError(
      'config_invalid',
      `Redis at ${describeRedis(url)} (REDIS_URL) has maxmemory-policy ${policy}: it may evict jobs and locks. Set maxmemory-policy noeviction on it (BullMQ's "Going to production" guide); put the summary cache on another server (REDIS_CACHE_URL) if you want one that evicts.`,
    );
  }
}

/** Refuses a cache server that never evicts: it would fill up and then refuse every new summary. */
export async function requireEviction(redis: Redis, url: string): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy === 'noeviction') {
    throw new RecapError(
      'config_invalid',
      `Redis at ${describeRedis(url)} (REDIS_CACHE_URL) has maxmemory-policy noeviction, so the cache would fill it and then fail. Give the cache a server of its own with maxmemory set and maxmemory-policy allkeys-lru.`,
    );
  }
}
