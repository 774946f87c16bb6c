import type { Segment } from '../../types.js';
import { mergeCaptions } from './caption-paragraphs.js';
import { cuesToSegments, readCues } from './captions.js';
import { decodeEntities, stripTags } from './markup.js';

/** An ASS position or style code (`{\an8}`, `{\i1}`): markup, not words. */
const ASS_CODE = /\{\\[^{}]*\}/g;
/** A speaker's name, as meeting tools write it before a colon: capitalised, at most 39 characters. */
const SPEAKER_NAME = /^\p{Lu}[\p{L}\p{M}.'’ -]{0,38}$/u;

/** SubRip (.srt) to segments: cues with start times, "Speaker: text" lines keep their speaker. */
export function parseSrt(text: string): Segment[] {
  return mergeCaptions(srtCues(text));
}

/** One segment per cue, before cues are merged into sentences. */
export function srtCues(text: string): Segment[] {
  const cues = readCues(text, true, (raw) => {
    const line = decodeEntities(stripTags(raw).replace(ASS_CODE, '')).trim();
    return speakerLine(line) ?? { text: line };
  });
  return cuesToSegments(cues);
}

/** "Name: words" → the speaker and the words, when what precedes the first colon reads as a name. */
function speakerLine(line: string): { text: string; speaker: string } | undefined {
  const colon = line.indexOf(':');
  if (colon < 1 || colon > 39) return undefined;
  const name = line.slice(0, colon);
  const words = line.slice(colon + 1);
  if (!SPEAKER_NAME.test(name) || !/^\s/.test(words) || words.trim() === '') return undefined;
  return { text: words.trim(), speaker: name.trim() };
}
