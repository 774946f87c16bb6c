/**
 * Where a chat request is answered, and the one policy that decides what happens when that fails.
 *
 * A platform's surface offers routes (an interaction token, the bot in the channel, the person's direct
 * messages…) and raises coded errors; the policy picks the route: it retries what may pass (a 429 after
 * its Retry-After, a 5xx, a dropped connection), moves on from what will not (an expired token, a
 * missing permission, a channel recap is not in) and never tries an expired credential twice.
 */
import { describeCauses, isRecapError, RecapError, type RecapErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Progress } from '../core/types.js';
import type { SummaryReply } from './summarize.js';

export type SurfaceErrorCode = Extract<
  RecapErrorCode,
  | 'surface_expired'
  | 'not_in_channel'
  | 'missing_permission'
  | 'surface_gone'
  | 'surface_rejected'
  | 'rate_limited'
  | 'transient'
>;

const DEFAULT_MESSAGES: Record<SurfaceErrorCode, string> = {
  surface_expired: 'The reply to this request expired before recap could answer in it.',
  not_in_channel: 'recap is not in this channel, so it cannot answer here.',
  missing_permission: 'recap lacks a permission it needs here. Ask an admin to check its role.',
  surface_gone: 'The message recap was answering in is gone.',
  surface_rejected: 'The chat platform refused recap’s answer.',
  rate_limited: 'The chat platform asked recap to slow down. Please try again in a minute.',
  transient: 'The chat platform did not answer. Please try again in a minute.',
};

/** A coded failure of a surface; `userMessage` defaults to a plain description of the code. */
export function surfaceError(
  code: SurfaceErrorCode,
  options: { cause?: unknown; retryAfterMs?: number | undefined; userMessage?: string } = {},
): RecapError {
  return new RecapError(code, options.userMessage ?? DEFAULT_MESSAGES[code], {
    cause: options.cause,
    retryAfterMs: options.retryAfterMs,
  });
}

/** Runs a platform call, its failure turned into a coded surface error by the platform's own reading. */
export async function coded<T>(
  call: () => Promise<T>,
  toSurfaceError: (error: unknown) => RecapError,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSurfaceError(error);
  }
}

/** One way to show something to the person. */
export interface Route {
  /** The credential or place it goes through; once one raises `surface_expired`, it is not tried again. */
  via: string;
  send(): Promise<unknown>;
  /** Tidying once `send` worked (a placeholder replaced or removed): tried once, never changes the outcome. */
  tidy?(): Promise<unknown>;
}

/**
 * Where a platform shows one job: its progress, then the answer (a summary, or a conversation recap)
 * or what went wrong, best route first.
 */
export interface ReplySurface<Reply = SummaryReply> {
  progress(progress: Progress): Route;
  deliver(reply: Reply): Route[];
  fail(error: unknown): Route[];
}

export interface PolicyOptions {
  /** Tries per route for a failure that may pass. */
  attempts: number;
  /** The first wait after a transient failure; doubled each time. */
  backoffMs: number;
  /** A route that asks for a longer wait than this is left for the next one. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Runs each call to the platform: a bounded backlog, so answers never crowd out acknowledgements. */
  schedule?: <T>(call: () => Promise<T>) => Promise<T>;
}

/**
 * The stage every line of the policy carries: a call that shows the person something (a placeholder,
 * progress, the answer, a notice) failed or left something to tidy. `deliver` is the answer delivered.
 */
const STAGE = 'send';

export const DEFAULT_POLICY: PolicyOptions = { attempts: 3, backoffMs: 500, maxWaitMs: 60_000 };

export type Sent = { ok: true; via: string } | { ok: false; error: unknown };

/** The fallback policy for one job: every answer and progress update goes through it. */
export class DeliveryPolicy {
  private readonly expired = new Set<string>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly schedule: <T>(call: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly log: Logger,
    private readonly options: PolicyOptions = DEFAULT_POLICY,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.schedule = options.schedule ?? ((call) => call());
  }

  /** Sends through the first route that works; each failure is logged, the last one returned. */
  async send(what: string, routes: readonly Route[]): Promise<Sent> {
    let last: unknown = new RecapError('surface_rejected', `No way was left to send the ${what}.`);
    for (const route of routes) {
      if (this.expired.has(route.via)) continue;
      const attempt = await this.attempt(what, route.via, () => route.send());
      if (attempt.ok) {
        await this.schedule(async () => route.tidy?.()).catch((tidyError: unknown) => {
          this.log.warn(`could not tidy up after the ${what}: ${describeCauses(tidyError)}`, {
            via: route.via,
            stage: STAGE,
          });
        });
        return { ok: true, via: route.via };
      }
      last = attempt.error;
    }
    return { ok: false, error: last };
  }

  /** One call with the same retries as a route, and no fallback: its last error is thrown. */
  async retry<T>(what: string, call: () => Promise<T>): Promise<T> {
    const attempt = await this.attempt(what, what, call);
    if (!attempt.ok) throw attempt.error;
    return attempt.value;
  }

  /** One try, no retry and no fallback: for progress, which the next update replaces anyway. */
  async try(route: Route): Promise<void> {
    if (this.expired.has(route.via)) return;
    try {
      await this.schedule(() => route.send());
    } catch (error) {
      this.noteExpiry(route.via, error);
      this.log.debug(`a progress update failed: ${describeCauses(error)}`, { via: route.via, stage: STAGE });
    }
  }

  private async attempt<T>(
    what: string,
    via: string,
    call: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, value: await this.schedule(call) };
      } catch (error) {
        this.noteExpiry(via, error);
        const wait = this.waitBeforeRetry(error, attempt);
        this.log.warn(
          `sending the ${what} failed${wait === undefined ? '' : `; trying again in ${wait} ms`}: ${describeCauses(error)}`,
          { via, attempt, stage: STAGE },
        );
        if (wait === undefined) return { ok: false, error };
        await this.sleep(wait);
      }
    }
  }

  /** How long to wait before the same route again, or undefined to move on. */
  private waitBeforeRetry(error: unknown, attempt: number): number | undefined {
    if (!isRecapError(error) || attempt >= this.options.attempts) return undefined;
    if (error.code !== 'transient' && error.code !== 'rate_limited') return undefined;
    const wait = error.retryAfterMs ?? this.options.backoffMs * 2 ** (attempt - 1);
    return wait <= this.options.maxWaitMs ? wait : undefined;
  }

  private noteExpiry(via: string, error: unknown): void {
    if (isRecapError(error) && error.code === 'surface_expired') this.expired.add(via);
  }
}
