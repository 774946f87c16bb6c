import type { Segment } from '../../types.js';
import { blocksOf, type Cue, cuesToSegments, decodeEntities, parseTiming } from './captions.js';

const VOICE = /<v(?:\.[^\s>]+)*\s+([^>]+)>/;

/** WebVTT (https://www.w3.org/TR/webvtt1/) to segments: cues, voices as speakers, no markup. */
export function parseVtt(text: string): Segment[] {
  const cues: Cue[] = [];
  for (const block of blocksOf(text, false)) {
    const first = block[0]?.trim() ?? '';
    if (/^(WEBVTT|NOTE|STYLE|REGION)\b/.test(first)) continue;
    const timingIndex = block.findIndex((line) => line.includes('-->'));
    if (timingIndex === -1) continue;
    const startMs = parseTiming(block[timingIndex] ?? '');
    if (startMs === undefined) continue;
    let speaker: string | undefined;
    const lines = block.slice(timingIndex + 1).map((line) => {
      const voice = VOICE.exec(line);
      if (voice?.[1]) speaker = voice[1].trim();
      return decodeEntities(line.replace(/<[^>]*>/g, ''));
    });
    cues.push({ startMs, lines, ...(speaker ? { speaker } : {}) });
  }
  return cuesToSegments(cues);
}
