import type { Segment } from '../../types.js';
import { cuesToSegments, decodeEntities, readCues } from './captions.js';

/** A "Name: words" line, as meeting tools write speakers into subtitles. */
const SPEAKER_LINE = /^([\p{Lu}][\p{L}\p{M}.'’ -]{0,38}?):\s+(\S.*)$/u;

/** SubRip (.srt) to segments: cues with start times, "Speaker: text" lines keep their speaker. */
export function parseSrt(text: string): Segment[] {
  const cues = readCues(text, true, (raw) => {
    // HTML-like tags (<i>) and ASS position codes ({\an8}) are markup, not words.
    const line = decodeEntities(raw.replace(/<[^>]*>/g, '').replace(/\{\\[^}]*\}/g, '')).trim();
    const named = SPEAKER_LINE.exec(line);
    return named?.[1] && named[2] ? { text: named[2], speaker: named[1].trim() } : { text: line };
  });
  return cuesToSegments(cues);
}
