/**
 * Work that follows an acknowledgement (posting a placeholder, a notice, an answer): at most `limit`
 * tasks at once, started one per turn of the event loop, so the loop first handles the I/O already
 * waiting. Acknowledgements come first: while one is under way (`yieldTo`), and for `quietMs` after the
 * last one went out, nothing starts, since more requests of the same burst are most likely still
 * arriving and each task's work would delay their acknowledgements (measured in `npm run bench -- acks`:
 * with 500 Slack requests at once, the work after each acknowledgement costs ten times the
 * acknowledgement itself). A task that has waited `maxHoldMs` starts anyway, so a steady stream of
 * requests slows the answers down by at most that much, but never stops them.
 */
export class Backlog {
  private active = 0;
  private readonly waiting: { since: number; start: () => void }[] = [];
  private busy: () => boolean = () => false;
  private lastAcknowledgedAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private turn: NodeJS.Immediate | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly limit: number,
    private readonly maxHoldMs = 1000,
    private readonly quietMs = 50,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        since: performance.now(),
        start: () => {
          // Called from a promise: a task that throws before its first await rejects to its caller
          // instead of escaping setImmediate as an uncaught exception (which ends the process).
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              this.active -= 1;
              this.next();
            });
        },
      });
      this.next();
    });
  }

  /** Holds the backlog while `busy()` is true; call `wake()` when it turns false. */
  yieldTo(busy: () => boolean): void {
    this.busy = busy;
  }

  /** The acknowledgements under way have gone out: the backlog starts once no other follows for `quietMs`. */
  wake(): void {
    this.lastAcknowledgedAt = performance.now();
    this.next();
  }

  /**
   * Starts the next task on a later turn of the event loop, one task a turn: between two starts the loop
   * takes in the requests that arrived meanwhile (and their acknowledgements hold the backlog again).
   * Sixteen starts in one turn held the loop for 90 ms under a flood (test/security/flood.test.ts).
   */
  private next(): void {
    if (this.turn) return;
    const at = this.readyAt();
    if (at > performance.now()) {
      this.wakeAt(at);
      return;
    }
    this.turn = setImmediate(() => {
      this.turn = undefined;
      if (this.readyAt() <= performance.now()) this.start();
      this.next();
    });
  }

  /** When the next task may start: now or later, or never until a task ends or `wake()` is called. */
  private readyAt(): number {
    const oldest = this.waiting[0];
    if (!oldest || this.active >= this.limit) return Number.POSITIVE_INFINITY;
    const calmAt = this.busy() ? Number.POSITIVE_INFINITY : this.lastAcknowledgedAt + this.quietMs;
    return Math.min(calmAt, oldest.since + this.maxHoldMs);
  }

  /** One timer, for the earliest moment a held task may start (a busy spell ends with `wake()`). */
  private wakeAt(at: number): void {
    if (at === Number.POSITIVE_INFINITY || (this.timer && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.next();
      },
      Math.max(0, at - performance.now()),
    );
  }

  private start(): void {
    const task = this.waiting.shift();
    if (!task) return;
    this.active += 1;
    task.start();
  }
}
