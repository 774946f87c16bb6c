/**
 * The load generator: bursts of simultaneous requests, as Slack and Discord send them, and the time
 * each one waits for its acknowledgement. It knows the platforms (through the fakes), not the app.
 */
import type { FakeDiscord } from '../../test/fakes/discord.js';
import type { FakeSlack } from '../../test/fakes/slack.js';
import { signedSlackPost } from '../../test/helpers/burst-sender.js';

/** Slack and Discord both give an app 3 seconds to acknowledge. */
export const ACK_DEADLINE_MS = 3000;

/** Milliseconds from a request to its acknowledgement; undefined when it was never acknowledged. */
export type Latencies = (number | undefined)[];

/**
 * Slack in HTTP mode: `count` signed /summarize requests to the app's /slack/events, each from its own
 * person, with a text of its own (`round` keeps a later burst from being answered from recap's cache),
 * for a burst sender (test/helpers/burst-sender.ts).
 */
export function slackRequests(slack: FakeSlack, port: number, count: number, round: string): string[] {
  return Array.from({ length: count }, (_, index) => {
    const text = `Burst ${round} request ${index}: the team agreed to ship on Monday.`;
    return signedSlackPost(port, new URLSearchParams(slack.commandForm(text, 'C0000001', `U${index}`)));
  });
}

/**
 * Discord: `count` /summarize interactions dispatched at once through the fake gateway, each timed
 * from its dispatch to the app's interaction callback reaching the fake (late ones included: the
 * fake records a callback before refusing it). Waits at most `limitMs` for the last one. `round` gives
 * each burst texts of its own, so recap's cache does not answer a later one.
 */
export async function discordBurst(
  discord: FakeDiscord,
  count: number,
  round: string,
  limitMs: number,
): Promise<Latencies> {
  const sent = Array.from({ length: count }, (_, index) =>
    discord.slashCommand({ text: `Burst ${round} request ${index}: the team agreed to ship on Monday.` }),
  );
  const dispatchedAt = new Map(
    sent.map(({ token }) => [token, discord.interactions.get(token)?.dispatchedAt]),
  );
  const ackedAt = new Map<string, number>();
  const deadline = Date.now() + limitMs;
  let seen = 0;
  while (ackedAt.size < count && Date.now() < deadline) {
    for (; seen < discord.rest.length; seen++) {
      const call = discord.rest[seen];
      const token =
        call?.method === 'POST' ? /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(call.path)?.[1] : undefined;
      if (token && dispatchedAt.has(token) && !ackedAt.has(token)) ackedAt.set(token, call?.at ?? 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sent.map(({ token }) => {
    const start = dispatchedAt.get(token);
    const end = ackedAt.get(token);
    return start === undefined || end === undefined ? undefined : end - start;
  });
}

export interface AckStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Acknowledged later than the platforms' 3 s, or never. */
  late: number;
}

export function ackStats(latencies: Latencies): AckStats {
  const times = latencies.map((latency) => latency ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const rank = (p: number) => times[Math.max(0, Math.ceil(p * times.length) - 1)] ?? Number.NaN;
  return {
    count: times.length,
    p50: rank(0.5),
    p99: rank(0.99),
    max: times.at(-1) ?? Number.NaN,
    late: times.filter((time) => time > ACK_DEADLINE_MS).length,
  };
}
