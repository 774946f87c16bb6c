import { z } from 'zod';
import { BULLET_COUNT, SummarySchema } from '../types.js';

/**
 * Every word the model is given lives here. Bump PROMPT_VERSION whenever a prompt changes: it is part
 * of the cache key, so summaries written under an older prompt are not served again.
 */
export const PROMPT_VERSION = 'v1';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Notes on one part of a long document (map), or notes condensed from notes (intermediate reduce). */
export const NotesSchema = z.object({
  notes: z.array(z.string().trim().min(1)).min(3).max(8),
});
export type Notes = z.infer<typeof NotesSchema>;

export const summaryFormat = z.toJSONSchema(SummarySchema);
export const notesFormat = z.toJSONSchema(NotesSchema);

const SYSTEM = `You summarize content that people share in a team chat: videos, articles and meeting transcripts.
Transcripts are often generated automatically: they lack punctuation, mis-hear words (names and terms become similar-sounding words) and split words in two. Read through these errors to what the speakers meant: fix names and terms when the context makes them clear and never repeat an error.
Report what the content says, not what you know; do not mention the video, channel, likes or subscriptions.
Answer with JSON only.`;

function languageRule(language: string | undefined): string {
  return language
    ? `Write in ${language}.`
    : 'Write in the language of the content itself, whatever language these instructions are in.';
}

function titleLine(title: string | undefined): string {
  return title ? `Title: ${title}\n` : '';
}

function finalTask(language: string | undefined): string {
  return `Summarize it in exactly ${BULLET_COUNT} bullet points, in the order the content covers them. Each bullet is one complete, self-contained sentence of at most 30 words with the concrete facts (names, numbers, decisions). ${languageRule(language)} Answer as JSON: {"bullets": [${BULLET_COUNT} strings]}.`;
}

/** The whole document in one call. The task comes before the content and again after it. */
export function singlePassMessages(
  content: string,
  title: string | undefined,
  language: string | undefined,
): ChatMessage[] {
  const task = finalTask(language);
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `${titleLine(title)}Read the content between the markers. ${task}\n<content>\n${content}\n</content>\n${task}`,
    },
  ];
}

/** Map: notes on part i of n. */
export function partMessages(
  content: string,
  title: string | undefined,
  language: string | undefined,
  part: number,
  parts: number,
): ChatMessage[] {
  const task = `Write 3 to 8 notes on this part: complete sentences with its key points, facts, names, numbers and decisions. ${languageRule(language)} Answer as JSON: {"notes": [strings]}.`;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `${titleLine(title)}This is part ${part} of ${parts} of a longer content. ${task}\n<content>\n${content}\n</content>\n${task}`,
    },
  ];
}

/** Reduce: notes on consecutive parts become the final bullets, or (when not final) fewer notes. */
export function mergeMessages(
  notes: string,
  title: string | undefined,
  language: string | undefined,
  final: boolean,
): ChatMessage[] {
  const task = final
    ? finalTask(language)
    : `Condense them into 3 to 8 notes that keep the most important points. ${languageRule(language)} Answer as JSON: {"notes": [strings]}.`;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `${titleLine(title)}Below are notes on consecutive parts of one content, in order. ${task}\n<notes>\n${notes}\n</notes>\n${task}`,
    },
  ];
}

/** One more chance after an answer that was not valid: the same conversation plus what was wrong. */
export function repairMessages(
  messages: readonly ChatMessage[],
  badAnswer: string,
  problem: string,
): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: badAnswer },
    {
      role: 'user',
      content: `That answer cannot be used: ${problem}. Answer again, following the instructions exactly, with JSON only.`,
    },
  ];
}

/** Tokens a chat template adds around each message (role markers, separators), erring high. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 8;
