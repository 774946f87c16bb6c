/**
 * Pure mapping from what Discord sends to what recap is asked: no client, no network. The wiring
 * reads discord.js structures into these plain shapes and hands the result to the runtime.
 */
import { findLinks } from '../../commands/links.js';
import type { Ask, Mapped, SharedFile, SummarizeCommand } from '../../commands/request.js';
import { RecapError } from '../../core/errors.js';
import { plainOneLine } from '../../core/text.js';

/**
 * Discord's own limits: message content is at most 2,000 characters (4,000 with Nitro), and the
 * command's options at most what they were registered with (commands.ts). Nothing longer is scanned.
 */
export const TEXT_LIMITS = { content: 4000, link: 2000, text: 6000, language: 40 } as const;

export interface SlashOptions {
  link?: string | null | undefined;
  text?: string | null | undefined;
  language?: string | null | undefined;
  file?: SharedFile | null | undefined;
}

export const SLASH_USAGE =
  'Give `/summarize` something to read: a `link` (a video or an article), a `file` (a transcript, .docx or .pdf), or `text`.';

/** `/summarize link: file: text: language:` → what to summarize. The file wins, then the link, then text. */
export function mapSlashCommand(options: SlashOptions): Mapped<SummarizeCommand> {
  const language = options.language?.slice(0, TEXT_LIMITS.language).trim() || undefined;
  const summarize = (ask: Ask): Mapped<SummarizeCommand> => ({
    ok: true,
    value: { kind: 'summarize', ask, ...(language ? { language } : {}) },
  });
  if (options.file) return summarize({ kind: 'file', file: options.file });
  const linkText = options.link?.slice(0, TEXT_LIMITS.link).trim();
  if (linkText) {
    const [url] = findLinks(linkText);
    if (!url)
      return {
        ok: false,
        problem: `\`${plainOneLine(linkText, 100)}\` is not a link. Links start with https://.`,
      };
    return summarize({ kind: 'url', url: url.href });
  }
  const text = options.text?.slice(0, TEXT_LIMITS.text).trim();
  if (text) {
    const [url] = findLinks(text);
    // A lone link pasted into `text` is meant as a link.
    if (url && !/\s/.test(text)) return summarize({ kind: 'url', url: url.href });
    return summarize({ kind: 'text', text });
  }
  return { ok: false, problem: SLASH_USAGE };
}

export interface MessageFacts {
  id: string;
  content: string;
  attachments: SharedFile[];
  authorId: string;
  authorIsBot: boolean;
}

/** What a message offers to summarize: its first attachment, else its first link, else its text. */
export function askFromMessage(message: MessageFacts, botId?: string): Ask | undefined {
  const [file] = message.attachments;
  if (file) return { kind: 'file', file };
  const content = message.content.slice(0, TEXT_LIMITS.content);
  const [url] = findLinks(content);
  if (url) return { kind: 'url', url: url.href };
  const text = botId ? withoutMention(content, botId) : content.trim();
  return text ? { kind: 'text', text } : undefined;
}

/** Apps → Summarize on a message. */
export function mapMessageCommand(message: MessageFacts): Mapped<SummarizeCommand> {
  const ask = askFromMessage(message);
  return ask
    ? { ok: true, value: { kind: 'summarize', ask } }
    : { ok: false, problem: 'That message has no link, file or text to summarize.' };
}

export interface MentionFacts extends MessageFacts {
  /** The message this one replies to, when Discord sent it along (MESSAGE_CREATE's `referenced_message`). */
  referenced?: MessageFacts | undefined;
  /**
   * A reply whose message Discord did not send along, by id only: it is read when the job runs, once
   * the person has been admitted, so a refused mention costs no call to Discord.
   */
  replyTo?: { channelId: string; messageId: string } | undefined;
}

export type MentionDecision =
  | { action: 'ignore' }
  | { action: 'answer'; target: 'referenced' | 'self'; request: Mapped<SummarizeCommand> };

export const MENTION_USAGE =
  'Reply to a message that has a link or a file and mention me, or mention me in a message with a link or a file. You can also use `/summarize`.';

/**
 * A message that mentions the bot: a reply summarizes the message replied to (its link or file); a
 * message with a link or file of its own summarizes that; else the text replied to. A reply whose
 * message is not at hand summarizes that message when the job reads it, unless the mention has a link
 * or file of its own. Bots, and messages that only reply to the bot without naming it, are ignored.
 */
export function mapMention(message: MentionFacts, botId: string): MentionDecision {
  if (message.authorIsBot || message.authorId === botId) return { action: 'ignore' };
  if (!mentionsBot(message.content, botId)) return { action: 'ignore' };
  const summarize = (target: 'referenced' | 'self', ask: Ask): MentionDecision => ({
    action: 'answer',
    target,
    request: { ok: true, value: { kind: 'summarize', ask } },
  });
  const referenced = message.referenced ? linkOrFile(message.referenced) : undefined;
  if (referenced) return summarize('referenced', referenced);
  const own = linkOrFile(message);
  if (own) return summarize('self', own);
  const text = message.referenced ? askFromMessage(message.referenced) : undefined;
  if (text) return summarize('referenced', text);
  const { replyTo } = message;
  if (replyTo && !message.referenced)
    return summarize('referenced', { kind: 'message', channel: replyTo.channelId, id: replyTo.messageId });
  return { action: 'answer', target: 'self', request: { ok: false, problem: MENTION_USAGE } };
}

/** The message a mention replied to, as an Ask, once it is read. */
export function askFromReplied(message: MessageFacts): Ask {
  const ask = askFromMessage(message);
  if (!ask)
    throw new RecapError(
      'empty_document',
      'The message you replied to has no link, file or text to summarize.',
    );
  return ask;
}

function linkOrFile(message: MessageFacts): Ask | undefined {
  const ask = askFromMessage(message);
  return ask && ask.kind !== 'text' ? ask : undefined;
}

export function mentionsBot(content: string, botId: string): boolean {
  const head = content.slice(0, TEXT_LIMITS.content);
  return head.includes(`<@${botId}>`) || head.includes(`<@!${botId}>`);
}

function withoutMention(content: string, botId: string): string {
  return content.replaceAll(`<@${botId}>`, '').replaceAll(`<@!${botId}>`, '').trim();
}
