/**
 * A conversation read from a chat platform, as the core recaps it. The platform's reader fills it: it
 * reads history within the limits, resolves people to display names, turns every mention into plain
 * text, and skips what a recap must not read (the bot's own and system messages).
 */

export interface Person {
  /** The platform's id (a Discord user id, a Slack user or bot id). */
  id: string;
  /** The name people see (Discord: nick, global name or username; Slack: display name or real name). */
  name: string;
  /** Another bot or an app: its messages are marked as such. */
  bot: boolean;
}

export interface ConversationMessage {
  /** The platform's id (a Discord snowflake, a Slack ts). */
  id: string;
  author: Person;
  /** When it was posted, in ms since the epoch. */
  at: number;
  /** The text as people read it, mentions already plain text (`@Dana`, `@channel`, `#general`). */
  text: string;
  /** Names of the files it carries. */
  files: readonly string[];
  /** The message it answers in a thread, when the recap covers a channel and its threads. */
  replyTo?: string;
  /** A link that opens it (a Discord jump URL, a Slack permalink), filled in when a citation needs it. */
  permalink?: string;
}

/** What was left out, and why: the footer states each, so nothing is cut silently. */
export interface LeftOut {
  /** recap's own messages (earlier summaries and recaps); other bots' messages are kept and marked. */
  botMessages: number;
  /** Joins, pins, renames and other messages people did not write. */
  systemMessages: number;
  /** Older messages in the window beyond RECAP_MAX_MESSAGES. */
  beyondLimit: number;
  /** Counting them stopped at `beyondLimit`: there are more ("more than N older messages"). */
  beyondLimitIsMinimum: boolean;
  /** Set when the scope reached further back than RECAP_MAX_WINDOW: only this long was read (ms). */
  onlyLastMs: number | undefined;
  /** The platform's rate limit cut the reading short: the recap covers what arrived. */
  cutByRateLimit: boolean;
}

export interface Conversation {
  /** Where it happened, for the title: `#general`, `the thread “Launch plan”`. */
  place: string;
  /** Oldest first. */
  messages: ConversationMessage[];
  leftOut: LeftOut;
}

export function noneLeftOut(): LeftOut {
  return {
    botMessages: 0,
    systemMessages: 0,
    beyondLimit: 0,
    beyondLimitIsMinimum: false,
    onlyLastMs: undefined,
    cutByRateLimit: false,
  };
}

/** The people who wrote the conversation, each once, in order of their first message. */
export function participants(conversation: Conversation): Person[] {
  const seen = new Map<string, Person>();
  for (const message of conversation.messages) {
    if (!seen.has(message.author.id)) seen.set(message.author.id, message.author);
  }
  return [...seen.values()];
}
