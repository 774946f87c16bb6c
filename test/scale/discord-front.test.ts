/**
 * A Discord front's admission through the real discord.js client: the deferral goes out first, Redis is
 * asked after it, and a refusal of the shared limit then reaches the person privately, as a follow-up to
 * the deferral whose public "thinking" reply is removed.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAdmission } from '../../src/scale/admission.js';
import { connectRedis } from '../../src/scale/redis.js';
import { callsFor } from '../helpers/discord-calls.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { HAS_REDIS, NO_REDIS_REASON, startRedis, type TestRedis } from './redis-server.js';

describe.skipIf(!HAS_REDIS)(`a Discord front's shared limit (${NO_REDIS_REASON})`, () => {
  let server: TestRedis;
  let redis: Redis;
  let harness: DiscordHarness | undefined;
  beforeAll(async () => {
    server = await startRedis();
    redis = await connectRedis(server.url, 'REDIS_URL', 'producer');
  });
  afterAll(async () => {
    await harness?.close();
    redis.disconnect();
    await server.stop();
  });

  it('defers first, then tells a refusal of the shared limit privately and removes the public reply', async () => {
    const shared = new RedisAdmission(redis, server.prefix(), { limit: 1, windowMs: 60_000 });
    harness = await startDiscordHarness({ seams: { shared } });
    const h = harness;
    const first = h.discord.slashCommand({ text: 'First request about the budget review.' });
    await waitFor(() => callsFor(h, first.token).some((call) => call.method === 'PATCH'));
    const { token } = h.discord.slashCommand({ text: 'Second request about the budget review.' });
    const original = `/webhooks/${h.bot.client.application?.id}/${token}/messages/@original`;
    await waitFor(() => callsFor(h, token).find((call) => call.method === 'DELETE'));
    const calls = callsFor(h, token).map((call) => ({
      method: call.method,
      path: call.path,
      body: call.body,
    }));
    expect(calls).toEqual([
      expect.objectContaining({ method: 'POST', body: expect.objectContaining({ type: 5 }) }),
      expect.objectContaining({
        method: 'POST',
        body: expect.objectContaining({ flags: 64, content: expect.stringContaining('Please wait') }),
      }),
      expect.objectContaining({ method: 'DELETE', path: original }),
    ]);
    expect(h.ollama.chats).toHaveLength(1);
  });
});
