/**
 * The chat runtime: the first half of every request, the same for each platform (in the spirit of Bolt's
 * `App.processEvent`). An adapter maps an event to an `Intake` and hands it over; the runtime checks it
 * (valid, then allowed here, then within the person's limit, so a mistyped command costs nothing), lets
 * the adapter post its placeholder, and passes the job to the executor. It owns the jobs under way and
 * shutdown. Nothing but the acknowledgement runs on the path of the event: the rest waits in a backlog
 * that yields to pending I/O, so a burst of requests never delays the next acknowledgement.
 */
import { describeCauses, userMessageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PersonLimit } from '../core/rate-limit.js';
import { Backlog } from './backlog.js';
import type { JobExecutor } from './job.js';
import { type ChatJob, type Command, type Mapped, type Origin, originFields } from './request.js';
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

export interface ChatRuntimeOptions {
  executor: JobExecutor;
  rateLimiter: PersonLimit;
  log: Logger;
  /**
   * Several fronts (issue 13): claims a request for this front, false when another front (or this one)
   * has it already, as when Slack resends an event to another process behind the load balancer. A request
   * not claimed is dropped without a word: the front that claimed it answers.
   */
  claim?: ((origin: Origin) => Promise<boolean>) | undefined;
  /** Told when a request has been acknowledged (for the ack-latency metric). */
  onAcknowledged?: ((origin: Origin) => void) | undefined;
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

/** A request another front has claimed. */
const TAKEN = Symbol('taken by another front');
type Admitted = Mapped<Command> | typeof TAKEN;

export class ChatRuntime {
  readonly executor: JobExecutor;
  private readonly log: Logger;
  private readonly backlog: Backlog;
  private readonly running = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private stopping: Promise<void> | undefined;
  private pendingAcks = 0;

  constructor(private readonly options: ChatRuntimeOptions) {
    this.executor = options.executor;
    this.log = options.log;
    this.backlog = options.backlog ?? new Backlog(16);
    this.backlog.yieldTo(() => this.pendingAcks > 0);
  }

  /** Takes one request. Returns at once: everything after the acknowledgement runs in the background. */
  receive<T>(intake: Intake<T>): void {
    const log = this.log.child(originFields(intake.origin));
    const admitted = this.admit(intake);
    // A shared limit or claim answers after a round trip; the limit in memory answers here and now.
    if (admitted instanceof Promise) this.track(admitted.then((result) => this.proceed(intake, result, log)));
    else this.proceed(intake, admitted, log);
  }

  private proceed<T>(intake: Intake<T>, admitted: Admitted, log: Logger): void {
    if (admitted === TAKEN) {
      log.info('another front has this request; leaving it to that one', { stage: 'accept' });
      return;
    }
    if (!admitted.ok) {
      log.info(`refused: ${admitted.problem}`, { stage: 'accept' });
      // Where the platform acknowledges by a call of its own (Discord), the refusal is that call: at once.
      this.track(this.notify(intake, admitted.problem, log, !intake.acknowledge));
      return;
    }
    const acknowledged = this.acknowledge(intake);
    this.track(
      acknowledged.then(
        () => {
          this.options.onAcknowledged?.(intake.origin);
          return this.start(intake, admitted.value, log);
        },
        (error: unknown) =>
          log.error(`the acknowledgement failed: ${describeCauses(error)}`, { stage: 'accept' }),
      ),
    );
  }

  /**
   * Counts an acknowledgement while it is under way: until every one has gone out, the backlog (every
   * call after an acknowledgement) waits. Adapters whose acknowledgement is not an intake's own call (an
   * HTTP response to Slack) report it here.
   */
  acknowledging<R>(acknowledgement: Promise<R>): Promise<R> {
    this.pendingAcks += 1;
    return acknowledgement.finally(() => {
      this.pendingAcks -= 1;
      if (this.pendingAcks === 0) this.backlog.wake();
    });
  }

  private acknowledge<T>(intake: Intake<T>): Promise<unknown> {
    return intake.acknowledge ? this.acknowledging(intake.acknowledge()) : Promise.resolve();
  }

  /** Stops taking requests, stops the jobs under way (each person is told), and waits for them. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const controller of this.controllers) controller.abort(new Error('recap is shutting down'));
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
    })();
    return this.stopping;
  }

  /**
   * Claimed by this front (when fronts share the work), then valid, then allowed here, then within the
   * person's limit: in this order, so nothing is charged for nothing, nor twice.
   */
  private admit<T>(intake: Intake<T>): Admitted | Promise<Admitted> {
    if (this.stopping) return { ok: false, problem: RESTARTING };
    const { claim } = this.options;
    if (!claim) return this.check(intake);
    return claim(intake.origin).then(
      (mine) => (mine ? this.check(intake) : TAKEN),
      (error: unknown) => this.unreachable(intake, error),
    );
  }

  private check<T>(intake: Intake<T>): Mapped<Command> | Promise<Mapped<Command>> {
    if (!intake.request.ok) return intake.request;
    const { origin } = intake;
    const request = intake.request;
    const refusal =
      this.options.gate?.(origin, request.value) ??
      this.options.rateLimiter.refusal(`${origin.platform}:${origin.user}`);
    const decide = (text: string | undefined): Mapped<Command> =>
      text ? { ok: false, problem: text } : request;
    return refusal instanceof Promise
      ? refusal.then(decide, (error: unknown) => this.unreachable(intake, error))
      : decide(refusal);
  }

  /** A shared limit or claim that could not be asked: the person is told, and nothing runs. */
  private unreachable<T>(intake: Intake<T>, error: unknown): Mapped<Command> {
    this.log.error(`could not admit a request: ${describeCauses(error)}`, originFields(intake.origin));
    return { ok: false, problem: userMessageOf(error) };
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
