import { z } from 'zod';
import { BULLET_COUNT } from '../types.js';

/**
 * Every word the model is given lives here. Bump PROMPT_VERSION whenever a prompt changes: it is part
 * of the cache key, so summaries written under an older prompt are not served again.
 */
export const PROMPT_VERSION = 'v3';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Notes on one part of a long document (map), or notes condensed from notes (intermediate reduce). */
export const NotesSchema = z.object({
  // A blank note among good ones (weak models write " ") costs nothing: it is dropped, not refused.
  notes: z
    .array(z.string())
    .max(8)
    .transform((notes) => notes.map((note) => note.trim()).filter((note) => note !== ''))
    .pipe(z.array(z.string()).min(1)),
});
export type Notes = z.infer<typeof NotesSchema>;

/**
 * The longest bullet or note the model may write, in characters (a 30-word sentence is about 200).
 * Sent in `format` only: Ollama turns the schema into a grammar that ends each string there
 * (observed on 0.17.4), so an answer always closes its JSON within num_predict. Without it a weak
 * model rambles inside one string until num_predict cuts the JSON (observed with Gemma 3 270M).
 */
export const MAX_ITEM_CHARS = 300;

const bounded = z.string().min(1).max(MAX_ITEM_CHARS);
export const summaryFormat = z.toJSONSchema(z.object({ bullets: z.array(bounded).length(BULLET_COUNT) }));
export const notesFormat = z.toJSONSchema(z.object({ notes: z.array(bounded).min(3).max(8) }));

const SYSTEM = `You summarize videos, articles and meetings shared in a team chat.
Transcripts are often automatic, with no punctuation and mis-heard or split words: read through these errors to what was meant and never repeat them.
Say what the content says, not what you know; skip calls to like or subscribe. Answer with JSON only.`;

function languageRule(language: string | undefined): string {
  return language ? `Write in ${language}.` : 'Write in the language of the content.';
}

/** A requested language is repeated after the content; the default (the content's own) needs no reminder. */
function reminder(language: string | undefined): string {
  return language ? ` ${languageRule(language)}` : '';
}

function titleLine(title: string | undefined): string {
  return title ? `Title: ${title}\n` : '';
}

/** The full task goes before the content; a reminder of its rules comes after it. */
function finalTask(language: string | undefined): { before: string; after: string } {
  return {
    before: `Summarize the content in exactly ${BULLET_COUNT} bullets: complete sentences of at most 30 words with its concrete facts (names, numbers, decisions), in order. ${languageRule(language)}`,
    after: `Answer now: exactly ${BULLET_COUNT} complete sentences.${reminder(language)} JSON: {"bullets": [${BULLET_COUNT} strings]}`,
  };
}

function notesTask(language: string | undefined, what: string): { before: string; after: string } {
  return {
    before: `${what} in 3 to 8 notes: complete sentences with the key points, names, numbers and decisions. ${languageRule(language)}`,
    after: `Answer now: 3 to 8 complete sentences.${reminder(language)} JSON: {"notes": [strings]}`,
  };
}

function prompt(
  title: string | undefined,
  lead: string,
  tag: string,
  body: string,
  task: { before: string; after: string },
): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `${titleLine(title)}${lead}${task.before}\n<${tag}>\n${body}\n</${tag}>\n${task.after}`,
    },
  ];
}

/** The whole document in one call. */
export function singlePassMessages(
  content: string,
  title: string | undefined,
  language: string | undefined,
): ChatMessage[] {
  return prompt(title, '', 'content', content, finalTask(language));
}

/** Map: notes on part i of n. */
export function partMessages(
  content: string,
  title: string | undefined,
  language: string | undefined,
  part: number,
  parts: number,
): ChatMessage[] {
  return prompt(
    title,
    `This is part ${part} of ${parts}. `,
    'content',
    content,
    notesTask(language, 'Summarize this part'),
  );
}

/** Reduce: notes on consecutive parts become the final bullets, or (when not final) fewer notes. */
export function mergeMessages(
  notes: string,
  title: string | undefined,
  language: string | undefined,
  final: boolean,
): ChatMessage[] {
  const task = final ? finalTask(language) : notesTask(language, 'Condense these notes');
  return prompt(title, 'These are notes on consecutive parts of one content. ', 'notes', notes, task);
}

/**
 * The prompts of one kind of summary: how the whole content, a part and the notes are asked for.
 * Documents use DOCUMENT_PROMPTS; a conversation recap brings its own set. `version` is part of the
 * cache key: bump it whenever a prompt of the set changes.
 */
export interface PromptSet {
  version: string;
  single(content: string, title: string | undefined, language: string | undefined): ChatMessage[];
  part(
    content: string,
    title: string | undefined,
    language: string | undefined,
    part: number,
    parts: number,
  ): ChatMessage[];
  merge(
    notes: string,
    title: string | undefined,
    language: string | undefined,
    final: boolean,
  ): ChatMessage[];
}

export const DOCUMENT_PROMPTS: PromptSet = {
  version: PROMPT_VERSION,
  single: singlePassMessages,
  part: partMessages,
  merge: mergeMessages,
};

/**
 * One more chance after an answer that was not valid: the same task with what was wrong. Still one
 * system and one user message: a server that must shorten a conversation drops whole older
 * messages, keeping the system messages and the last one (Ollama's server/prompt.go, chatPrompt), so
 * the content must never sit in an older message.
 */
export function repairMessages(
  messages: readonly ChatMessage[],
  badAnswer: string,
  problem: string,
): ChatMessage[] {
  const [system, user] = messages;
  if (messages.length !== 2 || system === undefined || user === undefined) {
    throw new RangeError('a prompt is one system and one user message');
  }
  return [
    system,
    {
      role: 'user',
      content: `${user.content}\n\nYour previous answer was:\n${badAnswer}\nThat answer cannot be used: ${problem}. Answer again, following the instructions exactly, with JSON only.`,
    },
  ];
}

/** Tokens a chat template adds around each message (role markers, separators), erring high. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 8;
/**
 * Tokens a template may add once per prompt: Llama 3.2's, for one, prepends a knowledge-cutoff and
 * date preamble to the system message. Counting it avoids a false "prompt was cut" alarm.
 */
export const TEMPLATE_TOKENS_PER_PROMPT = 48;
