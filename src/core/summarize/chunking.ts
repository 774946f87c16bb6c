import type { Document, Segment } from '../types.js';

/** How a document reads to the model: timed segments as `[m:ss] Speaker: text` lines, else its text. */
export function renderForModel(document: Document): string {
  const segments = document.segments;
  if (!segments || segments.length === 0) return document.text.trim();
  return segments
    .map(renderSegment)
    .filter((line) => line !== '')
    .join('\n');
}

export function renderSegment(segment: Segment): string {
  const text = segment.text.trim();
  if (text === '') return '';
  const time = segment.startMs === undefined ? '' : `[${formatTimestamp(segment.startMs)}] `;
  const speaker = segment.speaker ? `${segment.speaker}: ` : '';
  return `${time}${speaker}${text}`;
}

export function formatTimestamp(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

type Estimate = (text: string) => number;

const UNITS_PER_PART = 16;
/** Parts are planned at this share of the budget, leaving room to move each cut to a good place. */
const FILL = 0.9;
/** How far from the ideal point (as a share of a part) a cut may move to fall at a line end. */
const LINE_END_WINDOW = 0.05;

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * Splits text into parts of at most `budget` estimated tokens, at line, sentence or word boundaries
 * (at characters only for a run with no spaces at all), with parts of similar size. Joining the
 * parts gives back the whole text: nothing is dropped.
 */
export function splitIntoParts(text: string, budget: number, estimate: Estimate): string[] {
  if (budget < 1) throw new RangeError('the part budget must be positive');
  // Units larger than a sixteenth of the budget are cut smaller, so parts can be cut near any point.
  const unitBudget = Math.max(1, Math.floor(budget / UNITS_PER_PART));
  const units: { text: string; tokens: number }[] = [];
  for (const unit of naturalUnits(text)) {
    for (const piece of fitUnit(unit, unitBudget, estimate))
      units.push({ text: piece, tokens: estimate(piece) });
  }
  const ends: number[] = [];
  let total = 0;
  for (const unit of units) {
    total += unit.tokens;
    ends.push(total);
  }
  const count = total <= budget ? 1 : Math.ceil(total / (budget * FILL));
  const cuts = cutPoints(units, ends, total / count, count);
  const parts: string[] = [];
  let from = 0;
  for (const cut of [...cuts, units.length]) {
    const part = units.slice(from, cut);
    if (part.length > 0) parts.push(...packGreedily(part, budget));
    from = cut;
  }
  return parts;
}

/**
 * Unit indexes where parts begin, one near each multiple of `target` tokens: at a line end when one is
 * close, so a speaker's turn stays whole, else at the nearest unit boundary.
 */
function cutPoints(
  units: readonly { text: string }[],
  ends: readonly number[],
  target: number,
  count: number,
): number[] {
  const cuts: number[] = [];
  let previous = 0;
  for (let k = 1; k < count; k++) {
    const ideal = k * target;
    let nearest = -1;
    let nearestLine = -1;
    for (let i = previous; i < units.length - 1; i++) {
      const end = ends[i] ?? 0;
      const distance = Math.abs(end - ideal);
      if (nearest === -1 || distance < Math.abs((ends[nearest] ?? 0) - ideal)) nearest = i;
      const endsLine = units[i]?.text.endsWith('\n') ?? false;
      if (endsLine && distance <= target * LINE_END_WINDOW) {
        if (nearestLine === -1 || distance < Math.abs((ends[nearestLine] ?? 0) - ideal)) nearestLine = i;
      }
      if (end > ideal + target) break;
    }
    const cut = (nearestLine === -1 ? nearest : nearestLine) + 1;
    if (cut > previous) {
      cuts.push(cut);
      previous = cut;
    }
  }
  return cuts;
}

/** A safety net for the rare part the cut points left over budget: fill parts one unit at a time. */
function packGreedily(units: readonly { text: string; tokens: number }[], budget: number): string[] {
  const parts: string[] = [];
  let current = '';
  let tokens = 0;
  for (const unit of units) {
    if (current !== '' && tokens + unit.tokens > budget) {
      parts.push(current);
      current = '';
      tokens = 0;
    }
    current += unit.text;
    tokens += unit.tokens;
  }
  if (current !== '') parts.push(current);
  return parts;
}

/** Lines, then sentences within each line, each keeping its trailing whitespace. */
function* naturalUnits(text: string): Generator<string> {
  for (const line of text.split(/(?<=\n)/)) {
    if (line.length <= 200) {
      yield line;
      continue;
    }
    for (const { segment } of sentenceSegmenter.segment(line)) yield segment;
  }
}

/** Halves a unit at whitespace (or anywhere, when it has none) until each piece fits the budget. */
function fitUnit(unit: string, budget: number, estimate: Estimate): string[] {
  if (unit.length < 2 || estimate(unit) <= budget) return [unit];
  const middle = Math.floor(unit.length / 2);
  const after = unit.slice(middle).search(/\s/);
  const before = unit.slice(0, middle).search(/\s\S*$/);
  let cut = middle;
  if (after !== -1 && (before === -1 || after <= middle - before)) cut = middle + after + 1;
  else if (before !== -1) cut = before + 1;
  if (cut <= 0 || cut >= unit.length) cut = middle;
  return [...fitUnit(unit.slice(0, cut), budget, estimate), ...fitUnit(unit.slice(cut), budget, estimate)];
}
