import { RecapError } from '../errors.js';

/**
 * The model calls one summary may take (RECAP_MAX_MODEL_CALLS). A plan that needs more is refused
 * before any call is spent; a run that needs more than planned (repairs, plans redone) stops at the
 * limit. Either way the person is told the document is too long for this recap.
 */
export class CallBudget {
  private used = 0;

  constructor(private readonly max: number) {}

  /** Refuses a plan of `calls` calls (over `parts` parts) that cannot fit in what is left. */
  plan(calls: number, parts: number): void {
    if (this.used + calls <= this.max) return;
    const what =
      parts > 1 ? `${calls} model calls (${parts} parts, then merging their notes)` : `${calls} model calls`;
    throw this.tooLong(`could take up to ${what}`);
  }

  /**
   * Refuses, before the document is split, a map-reduce over at least `parts` parts (known from its
   * length alone) that would already need more calls than are left.
   */
  planAtLeast(parts: number, perMerge: number): void {
    const calls = plannedCalls(parts, perMerge);
    if (parts <= 1 || this.used + calls <= this.max) return;
    throw this.tooLong(
      `would take at least ${calls} model calls (${parts} parts or more, then merging their notes)`,
    );
  }

  private tooLong(what: string): RecapError {
    return new RecapError(
      'input_too_large',
      `This document is too long for this recap: summarizing it ${what}, more than the ${this.max} one summary may take (RECAP_MAX_MODEL_CALLS). Send a shorter document, or a part of it.`,
    );
  }

  /** Counts one call about to be made; refuses it past the limit. */
  spend(): void {
    if (this.used >= this.max) {
      throw new RecapError(
        'input_too_large',
        `This document took more than the ${this.max} model calls one summary may take (RECAP_MAX_MODEL_CALLS), so recap stopped. Send a shorter document, or a part of it.`,
      );
    }
    this.used += 1;
  }
}

/**
 * The most calls a map-reduce over `parts` parts can take: one per part, then merges of at most
 * `perMerge` parts' notes each, level by level, until one merge writes the bullets.
 */
export function plannedCalls(parts: number, perMerge: number): number {
  const fanIn = Math.max(2, perMerge);
  let calls = parts;
  for (let level = parts; level > 1; ) {
    level = Math.ceil(level / fanIn);
    calls += level;
  }
  return calls;
}
