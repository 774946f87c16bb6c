import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('the settings of roles and Redis', () => {
  it('is one process with everything in memory when nothing is set', () => {
    const config = loadConfig({});
    expect(config.role).toBe('all');
    expect(config.redis).toBeUndefined();
    expect(config.metricsPort).toBeUndefined();
    expect(config.shutdownGraceMs).toBe(20_000);
  });

  it('reads the roles, where they meet, and where they are watched', () => {
    const config = loadConfig({
      ROLE: 'worker',
      REDIS_URL: 'redis://jobs:6379/0',
      REDIS_CACHE_URL: 'unix:///run/redis/cache.sock?db=2',
      REDIS_PREFIX: 'recap-staging',
      METRICS_PORT: '9464',
      RECAP_SHUTDOWN_GRACE_S: '5',
    });
    expect(config.role).toBe('worker');
    expect(config.redis).toEqual({
      url: 'redis://jobs:6379/0',
      cacheUrl: 'unix:///run/redis/cache.sock?db=2',
      prefix: 'recap-staging',
    });
    expect(config.metricsPort).toBe(9464);
    expect(config.shutdownGraceMs).toBe(5000);
  });

  it.each(['front', 'worker'])('refuses ROLE=%s without REDIS_URL', (role) => {
    expect(() => loadConfig({ ROLE: role })).toThrow(`REDIS_URL: ROLE=${role} needs REDIS_URL`);
  });

  it('refuses a cache on Redis without the Redis of the jobs', () => {
    expect(() => loadConfig({ REDIS_CACHE_URL: 'redis://cache' })).toThrow(
      'REDIS_CACHE_URL: a summary cache',
    );
  });

  it('never repeats a Redis URL back, since it may hold a password', () => {
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'http://:hunter2@jobs' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('REDIS_URL: needs a redis://');
    expect(message).not.toContain('hunter2');
  });

  it('names the roles when ROLE is not one of them', () => {
    expect(() => loadConfig({ ROLE: 'both' })).toThrow('ROLE must be one of all, front, worker, not "both"');
  });

  it('lets Discord pick the shard count, or takes a number', () => {
    expect(loadConfig({ DISCORD_TOKEN: 't' }).discord?.shards).toBe('auto');
    expect(loadConfig({ DISCORD_TOKEN: 't', DISCORD_SHARDS: '4' }).discord?.shards).toBe(4);
    expect(() => loadConfig({ DISCORD_SHARDS: 'many' })).toThrow('DISCORD_SHARDS must be auto or a whole');
  });

  it('lets a Slack worker run with the bot token alone: it answers, it receives nothing', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://jobs' };
    expect(loadConfig({ ...env, ROLE: 'worker' }).slack?.botToken).toBe('xoxb-1');
    expect(() => loadConfig({ ...env, ROLE: 'front' })).toThrow('SLACK_SIGNING_SECRET');
  });

  it('lets the CLI ignore a broken Redis setting', () => {
    const env = { ROLE: 'worker', REDIS_URL: 'nope', METRICS_PORT: 'x' };
    expect(loadConfig(env, 'summarize').role).toBe('all');
    expect(() => loadConfig(env)).toThrow('settings need fixing');
  });
});
