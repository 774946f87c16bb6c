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

function renderSegment(segment: Segment): string {
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

const LINE_END_SLACK = 1.1;

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * Splits text into parts of at most `budget` estimated tokens, at line, sentence or word boundaries
 * (at characters only for a run with no spaces at all), with parts of similar size. Joining the
 * parts gives back the whole text: nothing is dropped.
 */
export function splitIntoParts(text: string, budget: number, estimate: Estimate): string[] {
  if (budget < 1) throw new RangeError('the part budget must be positive');
  const units: { text: string; tokens: number }[] = [];
  for (const unit of naturalUnits(text)) {
    for (const piece of fitUnit(unit, budget, estimate)) units.push({ text: piece, tokens: estimate(piece) });
  }
  // Past the target size a part ends at the next line end, so a speaker's turn stays whole when it can;
  // a text with few line ends (a raw transcript) ends its part at the next sentence or word instead.
  const total = units.reduce((sum, unit) => sum + unit.tokens, 0);
  const target = Math.min(budget, Math.ceil(total / Math.max(1, Math.ceil(total / budget))));
  const parts: string[] = [];
  let current = '';
  let currentTokens = 0;
  for (const unit of units) {
    const wouldExceed = currentTokens + unit.tokens > budget;
    const reachedTarget =
      currentTokens >= target && (current.endsWith('\n') || currentTokens >= target * LINE_END_SLACK);
    if (current !== '' && (wouldExceed || reachedTarget)) {
      parts.push(current);
      current = '';
      currentTokens = 0;
    }
    current += unit.text;
    currentTokens += unit.tokens;
  }
  if (current.trim() !== '') parts.push(current);
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
