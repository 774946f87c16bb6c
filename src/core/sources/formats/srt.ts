import type { Segment } from '../../types.js';
import { blocksOf, type Cue, cuesToSegments, decodeEntities, parseTiming } from './captions.js';

/** A "Name: words" line, as meeting tools write speakers into subtitles. */
const SPEAKER_LINE = /^([\p{Lu}][\p{L}\p{M}.'’ -]{0,38}?):\s+(\S.*)$/u;

/** SubRip (.srt) to segments: cues with start times, "Speaker: text" lines keep their speaker. */
export function parseSrt(text: string): Segment[] {
  const cues: Cue[] = [];
  for (const block of blocksOf(text, true)) {
    const timingIndex = block.findIndex((line) => line.includes('-->'));
    if (timingIndex === -1) continue;
    const startMs = parseTiming(block[timingIndex] ?? '');
    if (startMs === undefined) continue;
    let speaker: string | undefined;
    const lines = block.slice(timingIndex + 1).map((raw) => {
      const line = decodeEntities(raw.replace(/<[^>]*>/g, '').replace(/\{\\[^}]*\}/g, '')).trim();
      const named = SPEAKER_LINE.exec(line);
      if (named?.[1] && named[2]) {
        speaker = named[1].trim();
        return named[2];
      }
      return line;
    });
    cues.push({ startMs, lines, ...(speaker ? { speaker } : {}) });
  }
  return cuesToSegments(cues);
}
