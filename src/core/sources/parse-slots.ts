import { cancelledError } from '../errors.js';

/**
 * At most `size` reads at once (a download and its parse, or a video's requests and theirs); the rest
 * wait in order. Reads run before the summary queue (a person waits for the queue only once recap
 * knows what to summarize), so without this bound their number, and the bytes they hold, were limited
 * only by how many requests people could send.
 */
export class ParseSlots {
  private active = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(private readonly size: number) {}

  async run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(cancelledError(signal.reason));
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const turn = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        reject(cancelledError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(turn);
    });
  }

  /** Hands the slot to the next in line, if any; otherwise frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.active--;
  }
}
