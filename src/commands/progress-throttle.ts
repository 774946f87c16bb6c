/**
 * Shows progress by editing one chat message without flooding the platform's rate limits: an edit
 * only when the update differs from the last (by `key`), at most one per `intervalMs`, the latest
 * update always shown in the end, and edits strictly in order. A failed edit is reported and never
 * stops the job.
 */
export class ProgressThrottle<T> {
  private lastKey = '';
  private lastAt = 0;
  private pending: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly edit: (update: T) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly key: (update: T) => string = JSON.stringify,
    private readonly intervalMs = 1500,
    private readonly now: () => number = Date.now,
  ) {}

  show(update: T): void {
    if (this.closed || this.key(update) === this.lastKey) return;
    const wait = this.lastAt + this.intervalMs - this.now();
    if (wait <= 0 && !this.timer) {
      this.send(update);
      return;
    }
    this.pending = update;
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        const next = this.pending;
        this.pending = undefined;
        if (next !== undefined && !this.closed && this.key(next) !== this.lastKey) this.send(next);
      },
      Math.max(0, wait),
    );
  }

  /** Stops further progress edits and waits for those under way, before the final message. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private send(update: T): void {
    this.lastKey = this.key(update);
    this.lastAt = this.now();
    this.chain = this.chain
      .then(() => this.edit(update))
      .then(
        () => undefined,
        (error: unknown) => this.onError(error),
      );
  }
}
