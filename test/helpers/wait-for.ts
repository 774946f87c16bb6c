/**
 * Waiting in tests for what a fake or a bot records: the wait ends on the record, and its limit is only a
 * safety net, under the test's own timeout (30 s, vitest.config.ts), so that a wait that never ends fails
 * saying what it waited for, not only that the test took too long.
 */

/** How long a wait may take before it fails: a loaded two-core machine can be 20× slower than idle. */
export const WAIT_LIMIT_MS = 25_000;

/**
 * Resolves with the first truthy `find()` (awaited when it is a promise), looked at every 10 ms (the
 * records have no event of their own); rejects at the limit, naming `what` (by default, the condition's
 * own source).
 */
export async function waitFor<T>(
  find: () => T | undefined | false | Promise<T | undefined | false>,
  what = conditionText(find),
  limitMs = WAIT_LIMIT_MS,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() - started > limitMs) throw new Error(`waited ${limitMs} ms for ${what}, in vain`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function conditionText(find: () => unknown): string {
  const text = find.toString().replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
