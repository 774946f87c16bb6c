import { onAbort } from './abort-listener.js';
import { cancelledError, RecapError } from './errors.js';

export interface QueueOptions {
  /** Jobs that run at once. */
  concurrency: number;
  /** Jobs that may wait; one more is refused. */
  maxWaiting: number;
}

interface Waiting {
  start: () => void;
  onPosition: ((position: number) => void) | undefined;
}

/**
 * A first-come, first-served queue in front of the model. A waiting caller learns its position (1 is
 * next) whenever it changes; a caller whose signal fires leaves the queue; a full queue refuses at once.
 */
export class JobQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(private readonly options: QueueOptions) {}

  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(
    job: () => Promise<T>,
    signal: AbortSignal,
    onPosition?: (position: number) => void,
  ): Promise<T> {
    if (signal.aborted) throw cancelledError(signal.reason);
    if (this.running >= this.options.concurrency) {
      await this.waitForTurn(signal, onPosition);
    } else {
      this.running += 1;
    }
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  private waitForTurn(
    signal: AbortSignal,
    onPosition: ((position: number) => void) | undefined,
  ): Promise<void> {
    if (this.waiting.length >= this.options.maxWaiting) {
      return Promise.reject(
        new RecapError(
          'queue_full',
          `recap is busy: ${this.waiting.length} summaries are already waiting. Please try again in a few minutes.`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = {
        start: () => {
          stopListening();
          resolve();
        },
        onPosition,
      };
      const stopListening = onAbort(signal, () => {
        const index = this.waiting.indexOf(entry);
        if (index !== -1) this.waiting.splice(index, 1);
        this.announcePositions(index);
        reject(cancelledError(signal.reason));
      });
      this.waiting.push(entry);
      onPosition?.(this.waiting.length);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      // The slot passes straight to the next job: `running` stays the same.
      next.start();
      this.announcePositions(0);
    } else {
      this.running -= 1;
    }
  }

  private announcePositions(fromIndex: number): void {
    for (let index = Math.max(0, fromIndex); index < this.waiting.length; index++) {
      this.waiting[index]?.onPosition?.(index + 1);
    }
  }
}
