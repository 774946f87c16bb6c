import type { Segment } from '../../types.js';
import { mergeCaptions } from './caption-paragraphs.js';
import { cuesToSegments, readCues } from './captions.js';
import { decodeEntities, stripTags } from './markup.js';

/** WebVTT (https://www.w3.org/TR/webvtt1/) to segments: cues, voices as speakers, no markup. */
export function parseVtt(text: string): Segment[] {
  return mergeCaptions(vttCues(text));
}

/** One segment per cue, before cues are merged into sentences. */
export function vttCues(text: string): Segment[] {
  const cues = readCues(text, false, (line) => ({
    text: decodeEntities(stripTags(line)),
    speaker: voiceOf(line),
  }));
  return cuesToSegments(cues);
}

/**
 * The name in a line's first voice tag, `<v Ana Souza>` or `<v.loud.first Ana>`: classes are
 * dot-separated runs without dots, spaces or brackets, then spaces, then the name up to `>`. Read by
 * a scan, not a regular expression: the old `(?:\.[^\s>]+)*\s+` took minutes on a 121-byte cue, and
 * its linear successor `<v(?:\.[^\s.<>]+)*[ \t]+([^\s<>][^<>]*)>` still overflowed the stack of the
 * regular-expression engine on a tag of a few million classes. Each scan stops at the next `<`, where
 * the next tag would start, so the line is read once.
 */
export function voiceOf(line: string): string | undefined {
  for (let at = line.indexOf('<v'); at !== -1; at = line.indexOf('<v', at + 2)) {
    const name = voiceAt(line, at + 2);
    if (name !== undefined) return name;
  }
  return undefined;
}

const isSpace = (char: string) => /\s/.test(char);

/** The name of a voice tag whose `<v` ends just before `from`, if that is one. */
function voiceAt(line: string, from: number): string | undefined {
  let index = from;
  while (line[index] === '.') {
    const start = ++index;
    while (index < line.length && !isSpace(line[index] ?? '') && !'.<>'.includes(line[index] ?? '')) index++;
    if (index === start) return undefined;
  }
  const spaces = index;
  while (line[index] === ' ' || line[index] === '\t') index++;
  const first = line[index];
  if (index === spaces || first === undefined || isSpace(first) || first === '<' || first === '>')
    return undefined;
  const nameStart = index;
  while (index < line.length && line[index] !== '<' && line[index] !== '>') index++;
  return line[index] === '>' ? line.slice(nameStart, index).trim() : undefined;
}
