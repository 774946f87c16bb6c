import type { Document, Segment } from '../types.js';
import { type LineBlocks, RenderedSegments } from './rendered-text.js';

/** How a document reads to the model: timed segments as `[m:ss] Speaker: text` lines, else its text. */
export function renderForModel(document: Document): string {
  return modelText(document).toString();
}

/** `renderForModel`, with a timed document's lines rendered only as they are read. */
export function modelText(document: Document): string | RenderedSegments {
  const segments = document.segments;
  if (!segments || segments.length === 0) return document.text.trim();
  return new RenderedSegments(segments, renderSegment);
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
/** The most characters of a line given to the sentence segmenter at once. */
const SENTENCE_WINDOW = 16_384;

/** The longest the split runs before it lets the event loop turn (acknowledgements, other requests). */
const SLICE_MS = 10;

/**
 * Splits text into parts of at most `budget` estimated tokens, at line, sentence or word boundaries
 * (at characters only for a run with no spaces at all), with parts of similar size. Joining the
 * parts gives back the whole text: nothing is dropped. The parts are slices of `text`, and its units
 * are kept as offsets: a long document is not copied again, nor held as thousands of small strings.
 * Linear in the text's length, and it yields to the event loop every few milliseconds.
 */
export async function splitIntoParts(text: string, budget: number, estimate: Estimate): Promise<string[]> {
  return (await splitIntoRanges(text, budget, estimate)).map(([start, end]) => text.slice(start, end));
}

/** `splitIntoParts` as [start, end] offsets: each part is read from `text` only when it is sent. */
export async function splitIntoRanges(
  text: string | LineBlocks,
  budget: number,
  estimate: Estimate,
): Promise<[number, number][]> {
  if (budget < 1) throw new RangeError('the part budget must be positive');
  // Units larger than a sixteenth of the budget are cut smaller, so parts can be cut near any point.
  const unitBudget = Math.max(1, Math.floor(budget / UNITS_PER_PART));
  const units: Units = { ends: [], tokens: [], totals: [], endsLine: [] };
  let total = 0;
  let sliceStarted = performance.now();
  // Blocks end at line ends, where units end anyway: read block by block, the units are the same.
  let offset = 0;
  for (const block of typeof text === 'string' ? [text] : text.blocks()) {
    const cut: Cut = { text: block, budget: unitBudget, estimate };
    for (const [start, end] of naturalUnits(block)) {
      for (const [pieceEnd, tokens] of fitUnit(cut, start, end)) {
        total += tokens;
        units.ends.push(offset + pieceEnd);
        units.tokens.push(tokens);
        units.totals.push(total);
        units.endsLine.push(block.charCodeAt(pieceEnd - 1) === 10);
        if (performance.now() - sliceStarted > SLICE_MS) {
          await nextTurn();
          sliceStarted = performance.now();
        }
      }
    }
    offset += block.length;
  }
  const count = total <= budget ? 1 : Math.ceil(total / (budget * FILL));
  const cuts = cutPoints(units, total / count, count);
  const parts: [number, number][] = [];
  let from = 0;
  for (const cut of [...cuts, units.ends.length]) {
    // Not spread into push(): a span of many parts would pass each as an argument.
    if (cut > from) for (const part of packGreedily(units, from, cut, budget)) parts.push(part);
    from = cut;
  }
  return parts;
}

/**
 * Consecutive units of a text, by where each ends (a character offset), its tokens, the running total
 * and whether it ends a line.
 */
interface Units {
  ends: number[];
  tokens: number[];
  totals: number[];
  endsLine: boolean[];
}

const unitStart = (units: Units, index: number) => (index === 0 ? 0 : (units.ends[index - 1] ?? 0));

/**
 * Unit indexes where parts begin, one near each multiple of `target` tokens: at a line end when one is
 * close, so a speaker's turn stays whole, else at the nearest unit boundary.
 */
function cutPoints(units: Units, target: number, count: number): number[] {
  const { totals } = units;
  const cuts: number[] = [];
  let previous = 0;
  for (let k = 1; k < count; k++) {
    const ideal = k * target;
    let nearest = -1;
    let nearestLine = -1;
    for (let i = previous; i < totals.length - 1; i++) {
      const end = totals[i] ?? 0;
      const distance = Math.abs(end - ideal);
      if (nearest === -1 || distance < Math.abs((totals[nearest] ?? 0) - ideal)) nearest = i;
      if (units.endsLine[i] && distance <= target * LINE_END_WINDOW) {
        if (nearestLine === -1 || distance < Math.abs((totals[nearestLine] ?? 0) - ideal)) nearestLine = i;
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

/**
 * A safety net for the rare part the cut points left over budget: fill parts one unit at a time.
 * Returns the parts of units `from` to `to` (exclusive) as [start, end] offsets.
 */
function packGreedily(units: Units, from: number, to: number, budget: number): [number, number][] {
  const parts: [number, number][] = [];
  let start = unitStart(units, from);
  let tokens = 0;
  for (let index = from; index < to; index++) {
    const unit = units.tokens[index] ?? 0;
    if (index > from && tokens + unit > budget) {
      const end = unitStart(units, index);
      parts.push([start, end]);
      start = end;
      tokens = 0;
    }
    tokens += unit;
  }
  parts.push([start, units.ends[to - 1] ?? start]);
  return parts;
}

/** Lines, then sentences within each line, each keeping its trailing whitespace, by their offsets. */
function* naturalUnits(text: string): Generator<[number, number]> {
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    // A long line is read for sentences a window at a time: the segmenter finds a boundary by
    // reading up to it, all of a line without one at once.
    for (let from = start; from < end; ) {
      const to = end - from <= SENTENCE_WINDOW ? end : cutAtSpace(text, from, from + SENTENCE_WINDOW);
      if (to - from <= 200) yield [from, to];
      else {
        for (const { index, segment } of sentenceSegmenter.segment(text.slice(from, to))) {
          yield [from + index, from + index + segment.length];
        }
      }
      from = to;
    }
    start = end;
  }
}

/**
 * The unit from `start` to `end` as pieces that fit the budget, by where each ends and its tokens. A
 * unit longer than a few budgets' worth of characters (a one-line document) is first cut in pieces of
 * that length at whitespace, so the halving below works on short pieces only: linear in the length.
 */
function* fitUnit(cut: Cut, start: number, end: number): Generator<[number, number]> {
  const step = cut.budget * CHARS_PER_PIECE_TOKEN;
  let from = start;
  while (end - from > step) {
    const to = cutAtSpace(cut.text, from, from + step);
    yield* halveToFit(cut, from, to);
    from = to;
  }
  yield* halveToFit(cut, from, end);
}

/** The text being cut into units, and the budget of tokens each unit must fit. */
interface Cut {
  text: string;
  budget: number;
  estimate: Estimate;
}

/** Characters per budgeted token when a long unit is cut before it is estimated (English has about 4). */
const CHARS_PER_PIECE_TOKEN = 4;

/** Where to cut before `at`: after the last whitespace in its second half, else at `at` (whole characters). */
function cutAtSpace(text: string, from: number, at: number): number {
  for (let index = at - 1; index > from + (at - from) / 2; index--) {
    if (/\s/.test(text.charAt(index))) return index + 1;
  }
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at + 1 : at;
}

/** Halves a piece at whitespace (or anywhere, when it has none) until each half fits the budget. */
function* halveToFit(cut: Cut, start: number, end: number): Generator<[number, number]> {
  const unit = cut.text.slice(start, end);
  const tokens = cut.estimate(unit);
  if (unit.length < 2 || tokens <= cut.budget) {
    yield [end, tokens];
    return;
  }
  const middle = Math.floor(unit.length / 2);
  const after = unit.slice(middle).search(/\s/);
  const before = unit.slice(0, middle).search(/\s\S*$/);
  let at = -1;
  if (after !== -1 && (before === -1 || after <= middle - before)) at = middle + after + 1;
  else if (before !== -1) at = before + 1;
  if (at <= 0 || at >= unit.length) at = middle;
  yield* halveToFit(cut, start, start + at);
  yield* halveToFit(cut, start + at, end);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
