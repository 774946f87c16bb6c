import type { Segment } from '../types.js';

/** Consecutive segments read together, so a bullet drawn from several short captions finds its place. */
const WINDOW = 4;
/** Below this, the best match is a few common words: no real grounding. */
const MIN_SCORE = 4;

/**
 * Where in a timed transcript each bullet is grounded, in milliseconds: the segment that shares the
 * most distinctive words with it (weighted by inverse frequency), inside the best-matching stretch.
 * Undefined when no stretch stands out.
 */
export function locateBullets(
  bullets: readonly string[],
  segments: readonly Segment[] | undefined,
): (number | undefined)[] {
  const timed = (segments ?? []).filter((segment) => segment.startMs !== undefined);
  if (timed.length === 0) return bullets.map(() => undefined);
  const words = timed.map((segment) => wordSet(segment.text));
  const [only] = timed;
  const [onlyWords] = words;
  if (timed.length === 1 && only && onlyWords) {
    return bullets.map((text) => (sharesWords(text, onlyWords) ? only.startMs : undefined));
  }
  const frequency = new Map<string, number>();
  for (const set of words) for (const word of set) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const weight = (word: string) => Math.log(timed.length / (frequency.get(word) ?? timed.length));
  const score = (bullet: Set<string>, sets: readonly Set<string>[]) => {
    let total = 0;
    for (const word of bullet) if (sets.some((set) => set.has(word))) total += weight(word);
    return total;
  };

  return bullets.map((text) => {
    const bullet = wordSet(text);
    let best = { start: 0, score: -1 };
    for (let start = 0; start < timed.length; start++) {
      const windowScore = score(bullet, words.slice(start, start + WINDOW));
      if (windowScore > best.score) best = { start, score: windowScore };
    }
    if (best.score < MIN_SCORE) return undefined;
    let chosen = best.start;
    for (let index = best.start; index < Math.min(timed.length, best.start + WINDOW); index++) {
      if (score(bullet, [words[index] ?? new Set()]) > score(bullet, [words[chosen] ?? new Set()]))
        chosen = index;
    }
    return timed[chosen]?.startMs;
  });
}

/** Shared words that ground a bullet in the one segment of a transcript. */
const MIN_SHARED_WORDS = 2;

/**
 * With one segment every word is in all of them, so no word weighs anything and there is nothing to
 * choose between: a bullet is grounded there when it shares a few words with it.
 */
function sharesWords(text: string, words: ReadonlySet<string>): boolean {
  let shared = 0;
  for (const word of wordSet(text)) if (words.has(word)) shared += 1;
  return shared >= MIN_SHARED_WORDS;
}

function wordSet(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2),
  );
}
