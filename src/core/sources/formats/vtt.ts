import type { Segment } from '../../types.js';
import { cuesToSegments, decodeEntities, readCues } from './captions.js';

const VOICE = /<v(?:\.[^\s>]+)*\s+([^>]+)>/;

/** WebVTT (https://www.w3.org/TR/webvtt1/) to segments: cues, voices as speakers, no markup. */
export function parseVtt(text: string): Segment[] {
  const cues = readCues(text, false, (line) => ({
    text: decodeEntities(line.replace(/<[^>]*>/g, '')),
    speaker: VOICE.exec(line)?.[1]?.trim(),
  }));
  return cuesToSegments(cues);
}
