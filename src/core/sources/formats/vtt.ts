import type { Segment } from '../../types.js';
import { mergeCaptions } from './caption-paragraphs.js';
import { cuesToSegments, readCues } from './captions.js';
import { decodeEntities, stripTags } from './markup.js';

/**
 * A voice tag, `<v Ana Souza>` or `<v.loud.first Ana>`: classes are dot-separated runs without dots,
 * spaces or brackets, so there is one way to read each tag (the old `(?:\.[^\s>]+)*\s+` had
 * exponentially many, and a 121-byte cue took minutes).
 */
const VOICE = /<v(?:\.[^\s.<>]+)*[ \t]+([^\s<>][^<>]*)>/;

/** WebVTT (https://www.w3.org/TR/webvtt1/) to segments: cues, voices as speakers, no markup. */
export function parseVtt(text: string): Segment[] {
  return mergeCaptions(vttCues(text));
}

/** One segment per cue, before cues are merged into sentences. */
export function vttCues(text: string): Segment[] {
  const cues = readCues(text, false, (line) => ({
    text: decodeEntities(stripTags(line)),
    speaker: VOICE.exec(line)?.[1]?.trim(),
  }));
  return cuesToSegments(cues);
}
