/**
 * Work that follows an acknowledgement (posting a placeholder, a notice, an answer): at most `limit`
 * tasks at once, each started with `setImmediate`, so the event loop first handles the I/O already
 * waiting. While acknowledgements are under way (`yieldTo`), nothing starts, except one task every
 * `maxHoldMs`, so a steady stream of requests slows the answers down but never stops them.
 */
export class Backlog {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private busy: () => boolean = () => false;
  private held: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly maxHoldMs = 250,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            this.active -= 1;
            this.next();
          });
      });
      this.next();
    });
  }

  /** Holds the backlog while `busy()` is true; call `wake()` when it turns false. */
  yieldTo(busy: () => boolean): void {
    this.busy = busy;
  }

  wake(): void {
    this.next();
  }

  private next(): void {
    if (this.waiting.length === 0) return;
    if (this.busy()) {
      this.held ??= setTimeout(() => {
        this.held = undefined;
        if (this.active === 0) this.start();
        this.next();
      }, this.maxHoldMs);
      return;
    }
    clearTimeout(this.held);
    this.held = undefined;
    while (this.active < this.limit && this.waiting.length > 0) this.start();
  }

  private start(): boolean {
    const task = this.waiting.shift();
    if (!task) return false;
    this.active += 1;
    setImmediate(task);
    return true;
  }
}
