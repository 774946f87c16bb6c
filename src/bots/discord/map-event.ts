/**
 * Pure mapping from what Discord sends to what recap is asked: no client, no network. The wiring
 * reads discord.js structures into these plain shapes and acts on the result.
 */
import { findLinks } from '../../commands/links.js';

export interface AttachmentRef {
  url: string;
  name: string;
  contentType?: string | undefined;
  size?: number | undefined;
}

/** What to summarize, before it is fetched. */
export type Ask =
  | { kind: 'text'; text: string }
  | { kind: 'url'; url: URL }
  | { kind: 'attachment'; attachment: AttachmentRef };

export interface SummarizeAsk {
  ask: Ask;
  language?: string;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface SlashOptions {
  link?: string | null | undefined;
  text?: string | null | undefined;
  language?: string | null | undefined;
  file?: AttachmentRef | null | undefined;
}

export const SLASH_USAGE =
  'Give `/summarize` something to read: a `link` (a video or an article), a `file` (a transcript, .docx or .pdf), or `text`.';

/** `/summarize link: file: text: language:` → what to summarize. The file wins, then the link, then text. */
export function mapSlashCommand(options: SlashOptions): Mapped<SummarizeAsk> {
  const language = options.language?.trim() || undefined;
  const withLanguage = (ask: Ask): Mapped<SummarizeAsk> => ({
    ok: true,
    value: { ask, ...(language ? { language } : {}) },
  });
  if (options.file) return withLanguage({ kind: 'attachment', attachment: options.file });
  const linkText = options.link?.trim();
  if (linkText) {
    const [url] = findLinks(linkText);
    if (!url)
      return {
        ok: false,
        problem: `\`${linkText.slice(0, 100)}\` is not a link. Links start with https://.`,
      };
    return withLanguage({ kind: 'url', url });
  }
  const text = options.text?.trim();
  if (text) {
    const [url] = findLinks(text);
    // A lone link pasted into `text` is meant as a link.
    if (url && !/\s/.test(text)) return withLanguage({ kind: 'url', url });
    return withLanguage({ kind: 'text', text });
  }
  return { ok: false, problem: SLASH_USAGE };
}

export interface MessageFacts {
  id: string;
  content: string;
  attachments: AttachmentRef[];
  authorId: string;
  authorIsBot: boolean;
}

/** What a message offers to summarize: its first attachment, else its first link, else its text. */
export function askFromMessage(message: MessageFacts, botId?: string): Ask | undefined {
  const [attachment] = message.attachments;
  if (attachment) return { kind: 'attachment', attachment };
  const [url] = findLinks(message.content);
  if (url) return { kind: 'url', url };
  const text = botId ? withoutMention(message.content, botId) : message.content.trim();
  return text ? { kind: 'text', text } : undefined;
}

export interface MentionFacts extends MessageFacts {
  /** The message this one replies to, when it is a reply. */
  referenced?: MessageFacts | undefined;
}

export type MentionDecision =
  | { action: 'ignore' }
  | { action: 'explain'; problem: string }
  | { action: 'summarize'; target: 'referenced' | 'self'; ask: Ask };

export const MENTION_USAGE =
  'Reply to a message that has a link or a file and mention me, or mention me in a message with a link or a file. You can also use `/summarize`.';

/**
 * A message that mentions the bot: a reply summarizes the message replied to (its link or file); a
 * message with a link or file of its own summarizes that. Bots, and messages that only reply to the
 * bot without naming it, are ignored.
 */
export function mapMention(message: MentionFacts, botId: string): MentionDecision {
  if (message.authorIsBot || message.authorId === botId) return { action: 'ignore' };
  if (!mentionsBot(message.content, botId)) return { action: 'ignore' };
  const referenced = message.referenced ? linkOrFile(message.referenced) : undefined;
  if (referenced) return { action: 'summarize', target: 'referenced', ask: referenced };
  const own = linkOrFile(message);
  if (own) return { action: 'summarize', target: 'self', ask: own };
  if (message.referenced) {
    const text = askFromMessage(message.referenced);
    if (text) return { action: 'summarize', target: 'referenced', ask: text };
  }
  return { action: 'explain', problem: MENTION_USAGE };
}

function linkOrFile(message: MessageFacts): Ask | undefined {
  const ask = askFromMessage(message);
  return ask && ask.kind !== 'text' ? ask : undefined;
}

export function mentionsBot(content: string, botId: string): boolean {
  return content.includes(`<@${botId}>`) || content.includes(`<@!${botId}>`);
}

function withoutMention(content: string, botId: string): string {
  return content.replaceAll(`<@${botId}>`, '').replaceAll(`<@!${botId}>`, '').trim();
}
