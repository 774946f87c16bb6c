/**
 * Work that follows an acknowledgement (posting a placeholder, a notice): at most `limit` tasks at once,
 * each started with `setImmediate`, so the event loop first handles the I/O already waiting (the next
 * requests, whose acknowledgements must not queue behind this work).
 */
export class Backlog {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

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

  private next(): void {
    while (this.active < this.limit) {
      const start = this.waiting.shift();
      if (!start) return;
      this.active += 1;
      setImmediate(start);
    }
  }
}
