/**
 * A worker's model calls kept within its host's parallel slots. A worker runs documents and the parts
 * of long ones (others' as well as its own) side by side, each with `concurrency` slots in BullMQ, and
 * a document waiting for its parts makes no call: so the bound that OLLAMA_NUM_PARALLEL asks for is
 * kept here, on the calls themselves, rather than on jobs.
 */
import type { LanguageModel, ModelChatRequest } from '../core/summarize/ollama-model.js';

export function slotLimitedModel(model: LanguageModel, slots: number): LanguageModel {
  const gate = new Slots(slots);
  return {
    get name() {
      return model.name;
    },
    get host() {
      return model.host;
    },
    contextLength: (signal) => model.contextLength(signal),
    refusesOverflow: (signal) => model.refusesOverflow(signal),
    async chat(request: ModelChatRequest) {
      const release = await gate.take(request.signal);
      try {
        return await model.chat(request);
      } finally {
        release();
      }
    },
  };
}

/** First come, first served; a caller whose signal fires stops waiting (its call then fails at once). */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  async take(signal: AbortSignal): Promise<() => void> {
    if (this.free > 0) {
      this.free -= 1;
      return this.releaser();
    }
    if (signal.aborted) return () => undefined;
    return new Promise((resolve) => {
      const start = () => {
        signal.removeEventListener('abort', leave);
        resolve(this.releaser());
      };
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(start), 1);
        resolve(() => undefined);
      };
      this.waiting.push(start);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  /** Hands the slot to the next in line, or frees it; once only. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}
