import { plainOneLine } from '../text.js';
import type { Conversation, ConversationMessage } from './conversation.js';
import { readableMessageText } from './message-text.js';

/**
 * The most characters of one message the model reads (Discord's longest message; Slack allows 40,000):
 * one pasted log cannot fill a whole part of the map-reduce. A longer one ends with "…".
 */
export const MAX_MESSAGE_CHARS = 4000;
/** A display name is one line of at most this many characters, so it cannot pass for a message line. */
const MAX_NAME_CHARS = 80;

/**
 * The conversation as the model reads it: one numbered line per message,
 * `[12] Dana (14:03): …`, so that the model can cite messages by number and recap, not the model,
 * turns the numbers into links. Replies in a thread say which message they answer.
 */
export interface Transcript {
  text: string;
  /** `numbered[n - 1]` is message `[n]`. */
  numbered: readonly ConversationMessage[];
}

export function transcriptOf(conversation: Conversation): Transcript {
  const numbered = conversation.messages;
  const numberOf = new Map(numbered.map((message, index) => [message.id, index + 1]));
  const clock = clockFor(numbered);
  const lines = numbered.map((message, index) => {
    const name = plainOneLine(message.author.name, MAX_NAME_CHARS) || 'someone';
    const who = `${name}${message.author.bot ? ' (bot)' : ''}`;
    const answered = message.replyTo === undefined ? undefined : numberOf.get(message.replyTo);
    const reply = answered === undefined ? '' : `, replying to [${answered}]`;
    const text =
      plainOneLine(readableMessageText(message.text, message.files), MAX_MESSAGE_CHARS) || '(no text)';
    return `[${index + 1}] ${who} (${clock(message.at)}${reply}): ${text}`;
  });
  return { text: lines.join('\n'), numbered };
}

/** Times in UTC: the hour alone when the conversation fits in one day, with the date when it spans days. */
function clockFor(messages: readonly ConversationMessage[]): (at: number) => string {
  const first = messages[0]?.at ?? 0;
  const last = messages.at(-1)?.at ?? 0;
  const oneDay = new Date(first).toISOString().slice(0, 10) === new Date(last).toISOString().slice(0, 10);
  return (at) => (oneDay ? hourMinute(at) : `${dayMonth(at)} ${hourMinute(at)}`);
}

export function hourMinute(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function dayMonth(at: number): string {
  const date = new Date(at);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
}
