/**
 * Rate limits and one-shot failures of the fake Slack Web API.
 * - A rate-limited call answers HTTP 429 with `Retry-After` in whole seconds and
 *   `{"ok": false, "error": "ratelimited"}` (every method's reference page: "ratelimited: The request has
 *   been ratelimited. Refer to the Retry-After header for when to retry the request"). @slack/web-api
 *   reads `retry-after` with parseInt, pauses its whole request queue for that long and retries
 *   (WebClient.js, `parseRetryHeaders` and the `response.status === 429` branch).
 * - Tiers (docs.slack.dev/apis/web-api/rate-limits): "Tier 1: 1+ per minute, Tier 2: 20+, Tier 3: 50+,
 *   Tier 4: 100+", per method, per workspace, per app. Each method's tier is the `rate_limits` field
 *   of its reference page (slack-ruby/slack-api-ref docs.slack.dev/methods/*.json): chat.update,
 *   chat.delete, conversations.history, .replies and .info t3; chat.postEphemeral, conversations.members,
 *   users.info and files.info t4; chat.postMessage, chat.getPermalink and auth.test "special" (t5).
 *   Apps in the non-Marketplace cohort get Tier 1 for conversations.history and .replies (changelog
 *   2025-05-29). The fake counts calls in a sliding window; special methods are not counted (use
 *   `rateLimitNext` for them). Off unless the `tiers` option is given: the runtime's burst tests send
 *   hundreds of updates a minute, which real Slack would slow down too.
 */

export type Tier = 1 | 2 | 3 | 4;

export const METHOD_TIERS: Record<string, Tier> = {
  'chat.update': 3,
  'chat.delete': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'chat.postEphemeral': 4,
  'conversations.members': 4,
  'users.info': 4,
  'files.info': 4,
};

export interface TierOptions {
  /** The window the per-tier counts apply to (Slack: a minute). */
  windowMs?: number;
  /** Calls allowed per window, per tier (Slack's documented minimums by default). */
  perWindow?: Partial<Record<Tier, number>>;
  /** `non-marketplace`: history and replies at Tier 1 and at most 15 messages a call. */
  cohort?: 'internal' | 'non-marketplace';
}

export type Fault =
  | { kind: 'rate-limit'; seconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'status'; status: number }
  /** Lets one call through untouched: queued before a fault, it moves the fault to a later call. */
  | { kind: 'pass' };

const DOCUMENTED_PER_MINUTE: Record<Tier, number> = { 1: 1, 2: 20, 3: 50, 4: 100 };
const HISTORY_METHODS = new Set(['conversations.history', 'conversations.replies']);

export class Limits {
  private readonly queued = new Map<string, Fault[]>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly tiers: TierOptions | undefined) {}

  add(method: string, fault: Fault): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), fault]);
  }

  /** The most messages a history call may return. */
  get historyLimit(): number {
    return this.tiers?.cohort === 'non-marketplace' ? 15 : Number.POSITIVE_INFINITY;
  }

  /** A queued fault for this call, or a 429 from its tier's budget; undefined when it may proceed. */
  check(method: string): Exclude<Fault, { kind: 'pass' }> | undefined {
    const queued = this.queued.get(method);
    if (queued?.length) {
      const fault = queued.shift();
      return fault?.kind === 'pass' ? undefined : fault;
    }
    const tier = this.tierOf(method);
    if (!this.tiers || tier === undefined) return undefined;
    const windowMs = this.tiers.windowMs ?? 60_000;
    const allowed = this.tiers.perWindow?.[tier] ?? DOCUMENTED_PER_MINUTE[tier];
    const now = Date.now();
    const calls = (this.recent.get(method) ?? []).filter((at) => now - at < windowMs);
    if (calls.length >= allowed) {
      this.recent.set(method, calls);
      const waitMs = (calls[0] ?? now) + windowMs - now;
      return { kind: 'rate-limit', seconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    this.recent.set(method, [...calls, now]);
    return undefined;
  }

  private tierOf(method: string): Tier | undefined {
    if (this.tiers?.cohort === 'non-marketplace' && HISTORY_METHODS.has(method)) return 1;
    return METHOD_TIERS[method];
  }
}
