import { type LeftOut, noneLeftOut } from './conversation.js';
import type { RecapLimits, RecapScope } from './scope.js';

/**
 * How far one recap reads, whatever the platform: the scope the person asked for, bounded by
 * RECAP_MAX_MESSAGES and RECAP_MAX_WINDOW. Readers page history newest first and offer each message to a
 * `HistoryWindow`, which keeps the newest within the limits, counts what it leaves out, and says when to stop.
 */
export interface ReadPlan {
  /** The oldest moment read (ms): where the scope starts, or the RECAP_MAX_WINDOW limit when that is later. */
  oldestMs: number;
  /** Where the scope itself starts; before `oldestMs` when the window limit cut it. */
  scopeStartMs: number;
  /** RECAP_MAX_WINDOW, said in the footer when it cut the scope. */
  maxWindowMs: number;
  /** The most messages kept: the newest ones. */
  maxKept: number;
  /** `last N`: the messages asked for; those beyond `maxKept` are counted as left out. */
  wanted: number;
  /** `since me`: reading stops at this person's own latest message. */
  stopAtAuthor: string | undefined;
  /** Messages beyond the limit are counted up to this many, then "more than N". */
  countLimit: number;
}

/**
 * The plan for a scope, asked for at `anchorMs` (the request's time). `fromMs` is the time of the message
 * a "from here" scope starts at (a platform reads it from the message's id).
 */
export function planRead(
  scope: RecapScope,
  limits: RecapLimits,
  context: { anchorMs: number; requester: string; fromMs?: number | undefined },
): ReadPlan {
  const limitStart = context.anchorMs - limits.maxWindowMs;
  const scopeStartMs =
    scope.kind === 'window'
      ? context.anchorMs - scope.ms
      : scope.kind === 'from'
        ? (context.fromMs ?? limitStart)
        : Number.NEGATIVE_INFINITY;
  const wanted = scope.kind === 'last' ? scope.count : Number.POSITIVE_INFINITY;
  return {
    oldestMs: Math.max(scopeStartMs, limitStart),
    scopeStartMs,
    maxWindowMs: limits.maxWindowMs,
    maxKept: Math.min(wanted, limits.maxMessages),
    wanted,
    stopAtAuthor: scope.kind === 'since-me' ? context.requester : undefined,
    countLimit: limits.maxMessages,
  };
}

/** One message as a reader offers it: the platform's own item, and what the window needs to know of it. */
export interface Scanned<T> {
  item: T;
  at: number;
  authorId: string;
  /** recap's own messages (`bot`) and those no person wrote (`system`) are skipped and counted. */
  skip?: 'bot' | 'system' | undefined;
}

/** Keeps the newest messages of a plan, offered newest first, and counts what it leaves out. */
export class HistoryWindow<T> {
  private readonly kept: T[] = [];
  private readonly left: LeftOut = noneLeftOut();
  private done = false;
  private offered = 0;

  constructor(private readonly plan: ReadPlan) {}

  /** Whether the reader should go on (false once the scope's start, a limit or the count's end is reached). */
  get wanting(): boolean {
    return !this.done;
  }

  /**
   * Where the scope itself starts (ms), when it has a start in time (a window, "from here"): a reader may
   * ask the platform for nothing older. Past RECAP_MAX_WINDOW it still gets the messages between the two,
   * so the footer can say the limit cut the scope.
   */
  get scopeStartMs(): number | undefined {
    return Number.isFinite(this.plan.scopeStartMs) ? this.plan.scopeStartMs : undefined;
  }

  /** Messages offered so far, for progress ("reading messages (400 so far)"). */
  get read(): number {
    return this.offered;
  }

  offer(message: Scanned<T>): void {
    if (this.done) return;
    this.offered += 1;
    const { plan } = this;
    if (message.at < plan.oldestMs) {
      if (message.at >= plan.scopeStartMs) this.left.onlyLastMs = plan.maxWindowMs;
      this.done = true;
      return;
    }
    if (plan.stopAtAuthor !== undefined && message.authorId === plan.stopAtAuthor && !message.skip) {
      this.done = true;
      return;
    }
    const capped = this.kept.length >= plan.maxKept;
    if (message.skip) {
      if (!capped) this.left[message.skip === 'bot' ? 'botMessages' : 'systemMessages'] += 1;
      return;
    }
    if (!capped) this.kept.push(message.item);
    else this.left.beyondLimit += 1;
    const taken = this.kept.length + this.left.beyondLimit;
    if (taken >= plan.wanted) this.done = true;
    else if (this.left.beyondLimit >= plan.countLimit) {
      this.left.beyondLimitIsMinimum = true;
      this.done = true;
    }
  }

  /** The platform's rate limit stopped the reading before the window was done. */
  cutByRateLimit(): void {
    if (!this.done) this.left.cutByRateLimit = true;
    this.done = true;
  }

  /** What was kept, oldest first, and what was left out. */
  result(): { items: T[]; leftOut: LeftOut } {
    return { items: [...this.kept].reverse(), leftOut: { ...this.left } };
  }
}
