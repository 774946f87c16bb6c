import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisOptions, requireEviction, requireNoEviction } from '../../src/scale/redis.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';

describe('Redis URLs', () => {
  it('reads a socket path and its database, and a password it never shows', () => {
    expect(redisOptions('unix:///run/redis.sock?db=3', 'worker')).toMatchObject({
      path: '/run/redis.sock',
      db: 3,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions('rediss://:s3cret@jobs.internal:6380/2', 'producer')).toMatchObject({
      host: 'jobs.internal',
      port: 6380,
      password: 's3cret',
      db: 2,
      tls: {},
      enableOfflineQueue: false,
    });
  });
});

describe.skipIf(!HAS_REDIS)(`the start-up checks on a real Redis (${NO_REDIS_REASON})`, () => {
  const servers: TestRedis[] = [];
  const clients: Redis[] = [];
  let noEviction: TestRedis;
  let lru: TestRedis;
  beforeAll(async () => {
    [noEviction, lru] = await Promise.all([startRedis(), startRedis({ policy: 'allkeys-lru' })]);
    servers.push(noEviction, lru);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((server) => server.stop()));
  });

  const connect = async (url: string, setting: string) => {
    const client = await connectRedis(url, setting, 'producer');
    clients.push(client);
    return client;
  };

  it('accepts a jobs server that never evicts, and refuses one that may', async () => {
    await expect(requireNoEviction(await connect(noEviction.url, 'REDIS_URL'), noEviction.url)).resolves.toBe(
      undefined,
    );
    await expect(requireNoEviction(await connect(lru.url, 'REDIS_URL'), lru.url)).rejects.toThrow(
      'has maxmemory-policy allkeys-lru: it may evict jobs and locks. Set maxmemory-policy noeviction',
    );
  });

  it('refuses a cache server that never evicts', async () => {
    await expect(requireEviction(await connect(lru.url, 'REDIS_CACHE_URL'), lru.url)).resolves.toBe(
      undefined,
    );
    await expect(
      requireEviction(await connect(noEviction.url, 'REDIS_CACHE_URL'), noEviction.url),
    ).rejects.toThrow('maxmemory-policy noeviction, so the cache would fill it');
  });

  it('names the setting when nothing answers there', async () => {
    await expect(connectRedis('unix:///nonexistent/redis.sock', 'REDIS_URL', 'producer')).rejects.toThrow(
      'Redis at /nonexistent/redis.sock (REDIS_URL) did not answer',
    );
  });
});
