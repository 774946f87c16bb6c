/** What the Discord integration tests read from the fake's record of REST calls. */
import { expect } from 'vitest';
import type { RestCall } from '../fakes/discord.js';
import { type DiscordHarness, waitFor } from './discord-harness.js';

export type Json = Record<string, unknown>;
export type Embed = { title?: string; url?: string; description?: string; footer?: { text: string } };

export const sends = (calls: RestCall[]) =>
  calls.filter(
    (c) => ['POST', 'PATCH'].includes(c.method) && c.body && ('content' in c.body || 'embeds' in c.body),
  );
export const embedOf = (call: RestCall | undefined) => ((call?.body?.embeds as Embed[] | undefined) ?? [])[0];
export const bulletsOf = (embed: Embed | undefined) =>
  (embed?.description ?? '').split('\n').filter((line) => line.startsWith('• '));

export function summaryIn(h: DiscordHarness, channelId: string): Promise<RestCall> {
  return waitFor(() =>
    h.discord.rest.find(
      (c) => c.path === `/channels/${channelId}/messages` && c.method === 'POST' && embedOf(c)?.description,
    ),
  );
}

export function threadCreatedOn(h: DiscordHarness, messageId: string): Promise<RestCall> {
  return waitFor(() =>
    h.discord.rest.find((c) => c.method === 'POST' && c.path.endsWith(`/messages/${messageId}/threads`)),
  );
}

export function callsFor(h: DiscordHarness, token: string): RestCall[] {
  return h.discord.rest.filter((c) => c.path.includes(token));
}

export function expectNoPings(h: DiscordHarness): void {
  const sent = sends(h.discord.rest);
  expect(sent.length).toBeGreaterThan(0);
  for (const call of sent)
    expect(call.body?.allowed_mentions, `${call.method} ${call.path}`).toEqual({
      parse: [],
      replied_user: false,
    });
}
