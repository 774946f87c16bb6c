import type { ChatMessage, PromptSet } from '../summarize/prompt.js';
import { BULLET_COUNT } from '../types.js';

/**
 * The words a conversation recap gives the model: the same map-reduce as documents, asked for decisions,
 * owned actions, open questions and topics, each naming who and citing the numbered messages. Every step
 * keeps the `[n]` numbers (the parts' notes carry them into the merge), because recap, not the model,
 * turns them into links. The content stays in `<content>` and `<notes>`, as for documents.
 */
export const RECAP_PROMPT_VERSION = 'recap-v1';

const SYSTEM = `You recap team chat conversations for someone who missed them.
Each message is one line: [number] Name (time): text. "(bot)" marks a bot. [quoting: "…"] holds someone else's words being quoted, not the writer's own; [file: name] is a shared file; [code: N lines] is a code block left out.
Say only what the messages say. Answer with JSON only.`;

const CITE = 'ending with the numbers of the messages it rests on, in brackets: [4] or [4, 17]';
const KEEP = 'Keep every message number exactly as written: recap links each one to its message.';

function languageRule(language: string | undefined): string {
  return language ? `Write in ${language}.` : 'Write in the language of the conversation.';
}

function reminder(language: string | undefined): string {
  return language ? ` ${languageRule(language)}` : '';
}

interface Task {
  before: string;
  after: string;
}

function finalTask(language: string | undefined, from: string): Task {
  return {
    before: `Recap ${from} in exactly ${BULLET_COUNT} bullets about what was decided, who owns which action, which questions are still open, and the main topics. Each bullet is one complete sentence of at most 30 words that names who said or decided it, ${CITE}. ${KEEP} ${languageRule(language)}`,
    after: `Answer now: exactly ${BULLET_COUNT} sentences, each naming who and ending with message numbers like [4, 17].${reminder(language)} JSON: {"bullets": [${BULLET_COUNT} strings]}`,
  };
}

function notesTask(language: string | undefined, what: string): Task {
  return {
    before: `${what} in 3 to 8 notes on decisions, owned actions, open questions and topics: complete sentences that name who, each ${CITE}. ${KEEP} ${languageRule(language)}`,
    after: `Answer now: 3 to 8 sentences, each ending with message numbers like [4, 17].${reminder(language)} JSON: {"notes": [strings]}`,
  };
}

function prompt(
  title: string | undefined,
  lead: string,
  tag: string,
  body: string,
  task: Task,
): ChatMessage[] {
  const titleLine = title ? `Title: ${title}\n` : '';
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `${titleLine}${lead}${task.before}\n<${tag}>\n${body}\n</${tag}>\n${task.after}`,
    },
  ];
}

export const RECAP_PROMPTS: PromptSet = {
  version: RECAP_PROMPT_VERSION,
  single: (content, title, language) =>
    prompt(title, '', 'content', content, finalTask(language, 'the conversation')),
  part: (content, title, language, part, parts) =>
    prompt(
      title,
      `This is part ${part} of ${parts} of the conversation. `,
      'content',
      content,
      notesTask(language, 'Write what matters in this part'),
    ),
  merge: (notes, title, language, final) =>
    prompt(
      title,
      'These are notes on consecutive parts of one conversation. ',
      'notes',
      notes,
      final ? finalTask(language, 'the conversation from these notes') : notesTask(language, 'Condense them'),
    ),
};
