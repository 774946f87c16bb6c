import type { Segment } from '../types.js';

/** Where in a timed transcript each bullet is best grounded, in milliseconds; undefined when unclear. */
export function locateBullets(
  bullets: readonly string[],
  segments: readonly Segment[] | undefined,
): (number | undefined)[] {
  const timed = (segments ?? []).filter((segment) => segment.startMs !== undefined);
  if (timed.length === 0) return bullets.map(() => undefined);
  // Windows of a few segments, so a bullet drawn from several short captions still finds its place.
  const windows = timed.map((segment, index) => ({
    startMs: segment.startMs ?? 0,
    words: wordSet(
      timed
        .slice(index, index + WINDOW)
        .map((s) => s.text)
        .join(' '),
    ),
  }));
  const documentFrequency = new Map<string, number>();
  for (const window of windows)
    for (const word of window.words) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  return bullets.map((bullet) => {
    const words = wordSet(bullet);
    let best: { startMs: number; score: number } | undefined;
    for (const window of windows) {
      let score = 0;
      for (const word of words) {
        if (window.words.has(word)) score += Math.log(windows.length / (documentFrequency.get(word) ?? 1));
      }
      if (!best || score > best.score) best = { startMs: window.startMs, score };
    }
    return best && best.score >= MIN_SCORE ? best.startMs : undefined;
  });
}

const WINDOW = 4;
/** Below this, the best match is a few common words: no real grounding. */
const MIN_SCORE = 4;

function wordSet(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2),
  );
}
