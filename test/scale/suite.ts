/**
 * What a suite of workers on Redis sets up: one Redis for the suite, and for each test two fake Ollama
 * hosts and a cluster, closed after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { startRedis, type TestRedis } from './redis-server.js';
import { type Cluster, cluster, type Screens } from './worker-harness.js';

export function clusterSuite() {
  let redis: TestRedis | undefined;
  let hosts: FakeOllama[] = [];
  let running: Cluster | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await Promise.all(hosts.map((host) => host.close()));
    hosts = [];
  });
  afterAll(async () => redis?.stop());
  const started = (): TestRedis => {
    if (!redis) throw new Error('Redis is not started yet');
    return redis;
  };
  return {
    redis: started,
    /** Two fake hosts answering 2 chats at once (unless told), with a few milliseconds a token. */
    async twoHosts(options: FakeOllamaOptions = {}): Promise<[FakeOllama, FakeOllama]> {
      hosts = await Promise.all(
        [0, 1].map(() => startFakeOllama({ parallel: 2, tokenDelayMs: 3, ...options })),
      );
      return hosts as [FakeOllama, FakeOllama];
    },
    /** A cluster on a fresh prefix (or the one given), closed after the test. */
    cluster(screens: Screens, prefix = started().prefix()): Cluster {
      running = cluster(started().url, prefix, screens);
      return running;
    },
  };
}
