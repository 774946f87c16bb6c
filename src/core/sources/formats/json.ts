import { z } from 'zod';
import type { Segment } from '../../types.js';

const seconds = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

/** Whisper (openai-whisper, faster-whisper, whisper.cpp -oj): `{ text, segments: [{ start, end, text }] }`. */
const Whisper = z.object({
  segments: z.array(z.object({ start: seconds, text: z.string(), speaker: z.string().optional() }).loose()),
});

const Turn = z
  .object({
    speaker: z.union([z.string(), z.number()]).optional(),
    content: z.string().optional(),
    text: z.string().optional(),
    start: seconds.optional(),
  })
  .loose()
  .refine((turn) => turn.content !== undefined || turn.text !== undefined);

/** Speaker turns: `[{ speaker, content | text }]`, bare or under a key (QMSum's `meeting_transcripts`). */
const Turns = z.union([
  z.array(Turn),
  z
    .object({ meeting_transcripts: z.array(Turn) })
    .loose()
    .transform((value) => value.meeting_transcripts),
  z
    .object({ transcript: z.array(Turn) })
    .loose()
    .transform((value) => value.transcript),
  z
    .object({ utterances: z.array(Turn) })
    .loose()
    .transform((value) => value.utterances),
]);

/** Transcript JSON to segments, or undefined when the JSON is not a transcript shape recap knows. */
export function parseTranscriptJson(value: unknown): Segment[] | undefined {
  const whisper = Whisper.safeParse(value);
  if (whisper.success) {
    return whisper.data.segments.map((segment) => ({
      text: segment.text.trim(),
      startMs: Math.round(segment.start * 1000),
      ...(segment.speaker ? { speaker: segment.speaker } : {}),
    }));
  }
  const turns = Turns.safeParse(value);
  if (turns.success) {
    return turns.data.map((turn) => ({
      text: (turn.content ?? turn.text ?? '').trim(),
      ...(turn.speaker !== undefined ? { speaker: String(turn.speaker) } : {}),
      ...(turn.start !== undefined ? { startMs: Math.round(turn.start * 1000) } : {}),
    }));
  }
  return undefined;
}
