/**
 * What the Discord recap tests share: the harness per test, a past seeded relative to now, and the
 * recap as the person saw it, read from the fake's record of REST calls and the fake Ollama's prompts.
 */
import { expect } from 'vitest';
import type { RestCall } from '../fakes/discord.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from './discord-harness.js';
import { closedAfterEach } from './per-test.js';

export * from './recap.js';

type Embed = { title?: string; description?: string; footer?: { text: string } };

/** Starts a harness for the test, closed after it. */
export function recapHarnessPerTest() {
  return closedAfterEach()(startDiscordHarness);
}

export const embedOf = (call: RestCall | undefined) => ((call?.body?.embeds as Embed[] | undefined) ?? [])[0];

export const bulletsOf = (embed: Embed | undefined) =>
  (embed?.description ?? '').split('\n').filter((line) => line.startsWith('• '));

/** The calls made with an interaction's token (its callback, its webhook). */
export const callsFor = (h: DiscordHarness, token: string) =>
  h.discord.rest.filter((call) => call.path.includes(token));

/** The edit of the interaction's reply that carries the recap. */
export function recapReply(h: DiscordHarness, token: string): Promise<RestCall> {
  return waitFor(() =>
    callsFor(h, token).find((call) => call.method === 'PATCH' && embedOf(call)?.description),
  );
}

/** What the interaction's reply said last, once it says something final (not "⏳ …"). */
export function finalWords(h: DiscordHarness, token: string): Promise<string> {
  return waitFor(() => {
    const said = callsFor(h, token)
      .filter((call) => call.method !== 'GET' && typeof call.body?.content === 'string')
      .map((call) => String(call.body?.content ?? (call.body?.data as { content?: string })?.content));
    const last = said.at(-1);
    return last && !last.startsWith('⏳') ? last : undefined;
  });
}

/** The refusal sent as the interaction's first (ephemeral) response. */
export function refusal(h: DiscordHarness, token: string): Promise<string> {
  return waitFor(() => {
    const callback = callsFor(h, token).find((call) => call.path.endsWith('/callback'));
    const data = callback?.body?.data as { content?: string; flags?: number } | undefined;
    if (!data?.content) return undefined;
    expect(data.flags).toBe(64);
    return data.content;
  });
}

/** History reads of a channel, so far. */
export const historyReads = (h: DiscordHarness, channelId: string) =>
  h.discord.rest.filter((call) => call.method === 'GET' && call.path === `/channels/${channelId}/messages`);
