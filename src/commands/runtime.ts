/**
 * The chat runtime: the first half of every request, the same for each platform (in the spirit of Bolt's
 * `App.processEvent`). An adapter maps an event to an `Intake` and hands it over; the runtime checks it
 * (valid, then allowed here, then within the person's limit, so a mistyped command costs nothing), lets
 * the adapter post its placeholder, and passes the job to the executor. It owns the jobs under way and
 * shutdown. Nothing but the acknowledgement runs on the path of the event: the rest waits in a backlog
 * that yields to pending I/O, so a burst of requests never delays the next acknowledgement. Several fronts
 * (issue 13) ask Redis who takes a request and whether the person is within the shared limit: after the
 * acknowledgement, in the backlog, one round trip for every request waiting.
 */
import { describeCauses, userMessageOf } from '../core/errors.js';
import { type Logger, lazyChild } from '../core/log.js';
import { Backlog } from './backlog.js';
import type { JobExecutor } from './job.js';
import {
  type ChatJob,
  type Command,
  type Mapped,
  type Origin,
  originFields,
  type Platform,
} from './request.js';
import { DEFAULT_POLICY, DeliveryPolicy, type PolicyOptions, type Route } from './surface.js';

/** One request, as an adapter hands it to the runtime. `T` is the platform's reply target. */
export interface Intake<T> {
  origin: Origin;
  /** What was asked, or what to tell the person instead (usage): checked before anything is charged. */
  request: Mapped<Command>;
  /** The platform's acknowledgement, when it is a call of its own (Discord's deferral): run at once. */
  acknowledge?(): Promise<unknown>;
  /** Ways to tell the person something before a job exists (a refusal, a placeholder that failed). */
  notice(text: string): Route[];
  /** Posts the placeholder and returns where the job will answer. Runs after the acknowledgement, in the backlog. */
  open(): Promise<T>;
}

/** Several fronts (issue 13): a request as the runtime asks Redis about it. */
export interface AdmissionRequest {
  origin: Origin;
  /** Counted against the person's shared limit; false for a request refused here, which is only claimed. */
  charge: boolean;
}

/** Another front has the request; it is this front's (and counted); the person is over the limit; or Redis failed. */
export type AdmissionOutcome =
  | { kind: 'taken' }
  | { kind: 'admitted' }
  | { kind: 'refused'; text: string }
  | { kind: 'failed'; error: unknown };

/**
 * What fronts share on Redis: each request is claimed by one front (Slack resends an event to another
 * process behind the load balancer: the front that claimed it answers, the others say nothing), and the
 * per-person limit holds across them all.
 */
export interface SharedAdmission {
  /** One outcome per request, in order, in one round trip; throws when Redis could not be asked at all. */
  admit(requests: readonly AdmissionRequest[]): Promise<AdmissionOutcome[]>;
}

export interface ChatRuntimeOptions {
  executor: JobExecutor;
  /** The per-person limit of one process (in memory, answered at once); fronts share theirs (`shared`). */
  rateLimiter: { refusal(key: string): string | undefined };
  log: Logger;
  /** Several fronts: the claim and the person's limit, on Redis, asked after the acknowledgement. */
  shared?: SharedAdmission | undefined;
  /** Told how long each acknowledgement took, from the request's arrival (for the ack-latency metric). */
  onAcknowledged?: ((platform: Platform, ms: number) => void) | undefined;
  /**
   * Refuses requests recap may not answer (a guild not allowed, a recap in a deny-listed channel): the
   * reason, or undefined.
   */
  gate?: ((origin: Origin, command: Command) => string | undefined) | undefined;
  /**
   * Where placeholders and notices wait their turn (the executor's answers may share it, so that every
   * call after an acknowledgement yields to the acknowledgements under way).
   */
  backlog?: Backlog;
  policy?: PolicyOptions;
}

const RESTARTING = 'recap is restarting. Please ask again in a minute.';

export class ChatRuntime {
  readonly executor: JobExecutor;
  private readonly log: Logger;
  private readonly backlog: Backlog;
  private readonly running = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private stopping: Promise<void> | undefined;
  private pendingAcks = 0;
  /** Requests waiting to be asked about on Redis, all in the next round trip. */
  private readonly admitting: { request: AdmissionRequest; settle: (outcome: AdmissionOutcome) => void }[] =
    [];

  constructor(private readonly options: ChatRuntimeOptions) {
    this.executor = options.executor;
    this.log = options.log;
    this.backlog = options.backlog ?? new Backlog(16);
    this.backlog.yieldTo(() => this.pendingAcks > 0);
  }

  /** Takes one request. Returns at once: everything after the acknowledgement runs in the background. */
  receive<T>(intake: Intake<T>): void {
    const log = lazyChild(this.log, () => originFields(intake.origin));
    const here = this.stopping ? { ok: false as const, problem: RESTARTING } : this.checkHere(intake);
    const { shared } = this.options;
    if (!shared) {
      this.proceed(intake, here.ok ? this.withinLimit(intake.origin, here) : here, log);
      return;
    }
    // Several fronts. A refusal decided here needs no claim on restart, nor where the platform acknowledges
    // by a call of its own (Discord takes one acknowledgement of an interaction: two fronts cannot both
    // tell it); where the acknowledgement has gone out already (Slack), it is claimed first, then told.
    if (this.stopping || (!here.ok && intake.acknowledge)) {
      this.proceed(intake, here, log);
      return;
    }
    this.track(
      this.acknowledge(intake).then(
        () => this.admitShared(shared, intake, here, log),
        (error: unknown) =>
          log.error(`the acknowledgement failed: ${describeCauses(error)}`, { stage: 'accept' }),
      ),
    );
  }

  private proceed<T>(intake: Intake<T>, admitted: Mapped<Command>, log: Logger): void {
    if (!admitted.ok) {
      log.info(`refused: ${admitted.problem}`, { stage: 'accept' });
      // Where the platform acknowledges by a call of its own (Discord), the refusal is that call: at once.
      this.track(this.notify(intake, admitted.problem, log, !intake.acknowledge));
      return;
    }
    this.track(
      this.acknowledge(intake).then(
        () => this.start(intake, admitted.value, log),
        (error: unknown) =>
          log.error(`the acknowledgement failed: ${describeCauses(error)}`, { stage: 'accept' }),
      ),
    );
  }

  /**
   * Several fronts, once the request is acknowledged: claimed by this front (or left without a word to
   * the one that claimed it), then, when valid and allowed here, within the person's shared limit.
   */
  private async admitShared<T>(
    shared: SharedAdmission,
    intake: Intake<T>,
    here: Mapped<Command>,
    log: Logger,
  ): Promise<void> {
    const outcome = await this.askRedis(shared, { origin: intake.origin, charge: here.ok });
    switch (outcome.kind) {
      case 'taken':
        log.info('another front has this request; leaving it to that one', { stage: 'accept' });
        return;
      case 'failed':
        log.error(`could not admit the request: ${describeCauses(outcome.error)}`, { stage: 'accept' });
        return this.notify(intake, userMessageOf(outcome.error), log, true);
      case 'refused':
        log.info(`refused: ${outcome.text}`, { stage: 'accept' });
        return this.notify(intake, outcome.text, log, true);
      case 'admitted':
        if (here.ok) return this.start(intake, here.value, log);
        log.info(`refused: ${here.problem}`, { stage: 'accept' });
        return this.notify(intake, here.problem, log, true);
    }
  }

  /**
   * Asks Redis in batches, each a task of the backlog: it starts once the acknowledgements under way have
   * gone out, and asks for every request waiting by then in one round trip, so a burst costs its
   * acknowledgements nothing and Redis one round trip.
   */
  private askRedis(shared: SharedAdmission, request: AdmissionRequest): Promise<AdmissionOutcome> {
    return new Promise((settle) => {
      this.admitting.push({ request, settle });
      if (this.admitting.length === 1) void this.backlog.run(() => this.admitWaiting(shared));
    });
  }

  private async admitWaiting(shared: SharedAdmission): Promise<void> {
    const batch = this.admitting.splice(0);
    let outcomes: AdmissionOutcome[];
    try {
      outcomes = await shared.admit(batch.map(({ request }) => request));
    } catch (error) {
      outcomes = batch.map(() => ({ kind: 'failed', error }));
    }
    for (const [index, { settle }] of batch.entries()) {
      settle(outcomes[index] ?? { kind: 'failed', error: new Error('Redis gave no answer for the request') });
    }
  }

  /**
   * Counts an acknowledgement while it is under way: until every one has gone out, the backlog (every
   * call after an acknowledgement) waits. Adapters whose acknowledgement is not an intake's own call (an
   * HTTP response to Slack) report it here, and its time with `acknowledged`.
   */
  acknowledging<R>(acknowledgement: Promise<R>): Promise<R> {
    this.pendingAcks += 1;
    return acknowledgement.finally(() => {
      this.pendingAcks -= 1;
      if (this.pendingAcks === 0) this.backlog.wake();
    });
  }

  /** An acknowledgement written `ms` after its request arrived (for the ack-latency metric). */
  acknowledged(platform: Platform, ms: number): void {
    this.options.onAcknowledged?.(platform, ms);
  }

  /** The intake's own acknowledgement (Discord's deferral), timed from the request's arrival. */
  private acknowledge<T>(intake: Intake<T>): Promise<unknown> {
    if (!intake.acknowledge) return Promise.resolve();
    const { platform, receivedAt } = intake.origin;
    return this.acknowledging(intake.acknowledge()).then(() =>
      this.acknowledged(platform, Date.now() - receivedAt),
    );
  }

  /** Stops taking requests, stops the jobs under way (each person is told), and waits for them. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const controller of this.controllers) controller.abort(new Error('recap is shutting down'));
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
    })();
    return this.stopping;
  }

  /** Valid, then allowed here: what this process decides alone, before anything is charged. */
  private checkHere<T>(intake: Intake<T>): Mapped<Command> {
    if (!intake.request.ok) return intake.request;
    const refusal = this.options.gate?.(intake.origin, intake.request.value);
    return refusal ? { ok: false, problem: refusal } : intake.request;
  }

  /** Then within the person's limit, in this process's memory. */
  private withinLimit(origin: Origin, request: Mapped<Command>): Mapped<Command> {
    const refusal = this.options.rateLimiter.refusal(`${origin.platform}:${origin.user}`);
    return refusal ? { ok: false, problem: refusal } : request;
  }

  private async start<T>(intake: Intake<T>, command: Command, log: Logger): Promise<void> {
    let target: T;
    try {
      target = await this.policy(log, true).retry('placeholder', () => intake.open());
    } catch (error) {
      log.warn(`could not start: ${describeCauses(error)}`, { stage: 'accept' });
      await this.notify(intake, userMessageOf(error), log, true);
      return;
    }
    const job: ChatJob = { version: 1, origin: intake.origin, command, target };
    const controller = new AbortController();
    if (this.stopping) controller.abort(new Error('recap is shutting down'));
    this.controllers.add(controller);
    try {
      await this.executor.execute(job, controller.signal);
    } finally {
      this.controllers.delete(controller);
    }
  }

  /** The fallback policy, its calls waiting in the backlog unless they are the acknowledgement itself. */
  private policy(log: Logger, inBacklog: boolean): DeliveryPolicy {
    const options = this.options.policy ?? DEFAULT_POLICY;
    return new DeliveryPolicy(
      log,
      inBacklog ? { ...options, schedule: (call) => this.backlog.run(call) } : options,
    );
  }

  /** Where the platform acknowledges by a call of its own (Discord), a refusal is that call: at once. */
  private async notify<T>(intake: Intake<T>, text: string, log: Logger, inBacklog: boolean): Promise<void> {
    const sent = await this.policy(log, inBacklog).send('notice', intake.notice(text));
    if (!sent.ok)
      log.error(`the person could not be told: ${describeCauses(sent.error)}`, { stage: 'accept' });
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log.error(`unexpected: ${describeCauses(error)}`));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }
}
