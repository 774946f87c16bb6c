import type { Segment } from '../../types.js';

/** One timed cue of a subtitle file, with its text lines already free of markup. */
export interface Cue {
  startMs: number;
  lines: string[];
  speaker?: string;
}

const TIMING =
  /^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;

/** Reads the start of a `00:01:02.500 --> …` (VTT) or `00:01:02,500 --> …` (SRT) timing line. */
export function parseTiming(line: string): number | undefined {
  const match = TIMING.exec(line.trim());
  if (!match) return undefined;
  const [, hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  return (
    (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000 + Number(fraction.padEnd(3, '0'))
  );
}

/** How many of the last lines said are remembered to recognise a rolling repeat. */
const ROLLING_LINES = 4;

/**
 * Turns cues into segments, removing the rolling duplicates of auto-generated captions: YouTube's
 * cues repeat the line before the new one (and add 10 ms cues that only repeat), so each cue keeps
 * only the lines that do not continue what was already said.
 */
export function cuesToSegments(cues: readonly Cue[]): Segment[] {
  const segments: Segment[] = [];
  let recent: string[] = [];
  let recentSpeaker: string | undefined;
  for (const cue of cues) {
    // Only one voice's captions roll; two people saying the same words are both kept.
    if (cue.speaker !== recentSpeaker) recent = [];
    recentSpeaker = cue.speaker;
    const lines = cue.lines.map((line) => line.replace(/\s+/g, ' ').trim()).filter((line) => line !== '');
    const fresh = lines.slice(overlap(recent, lines));
    if (fresh.length === 0) continue;
    const text = fresh.join(' ');
    const last = segments.at(-1);
    if (last && last.startMs === cue.startMs && last.speaker === cue.speaker) last.text += ` ${text}`;
    else segments.push({ text, startMs: cue.startMs, ...(cue.speaker ? { speaker: cue.speaker } : {}) });
    // Only the last few lines matter; a cue of 200,000 lines must not be spread into push() (a
    // spread passes each line as an argument, and overflows the stack).
    recent = recent.concat(fresh.slice(-ROLLING_LINES)).slice(-ROLLING_LINES);
  }
  return segments;
}

/** How many leading lines of `lines` repeat the last lines said. */
function overlap(recent: readonly string[], lines: readonly string[]): number {
  for (let size = Math.min(recent.length, lines.length); size > 0; size--) {
    const tail = recent.slice(recent.length - size);
    if (tail.every((line, index) => line === lines[index])) return size;
  }
  return 0;
}

/** A caption line read: its text, and the speaker it names if any. */
export type LineReader = (line: string) => { text: string; speaker?: string | undefined };

/**
 * The cues of a subtitle file: each block with a timing line becomes a cue of the lines after it, read
 * by the format's own `readLine`. Blocks without a timing line (headers, notes, styles) are skipped.
 */
export function readCues(text: string, spacesEndBlocks: boolean, readLine: LineReader): Cue[] {
  const cues: Cue[] = [];
  for (const block of blocksOf(text, spacesEndBlocks)) {
    const timingIndex = block.findIndex((line) => line.includes('-->'));
    const startMs = timingIndex === -1 ? undefined : parseTiming(block[timingIndex] ?? '');
    if (startMs === undefined) continue;
    let speaker: string | undefined;
    const lines = block.slice(timingIndex + 1).map((line) => {
      const read = readLine(line);
      speaker = read.speaker ?? speaker;
      return read.text;
    });
    cues.push({ startMs, lines, ...(speaker ? { speaker } : {}) });
  }
  return cues;
}

/**
 * Splits a subtitle file into blocks separated by blank lines, whatever its line endings. In WebVTT a
 * line holding a space is not blank (YouTube's captions have such lines inside cues); SubRip files
 * from editors often end blocks with one, so there it counts as blank.
 */
function blocksOf(text: string, spacesEndBlocks: boolean): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(spacesEndBlocks ? /\n[ \t]*\n/ : /\n\n+/)
    .map((block) => block.split('\n'))
    .filter((lines) => lines.some((line) => line.trim() !== ''));
}
