/**
 * Pure mapping from what Slack sends (slash commands, message shortcuts, app_mention and message
 * events) to what recap is asked. No client, no network: the wiring reads Slack's payloads into these
 * shapes and acts on the result.
 */
import { z } from 'zod';
import { findLinks } from '../../commands/links.js';

/** A file as Slack describes it in events and files.info. */
export const SlackFile = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    title: z.string().optional(),
    mimetype: z.string().optional(),
    size: z.number().optional(),
    url_private_download: z.string().optional(),
    url_private: z.string().optional(),
  })
  .loose();
export type SlackFile = z.infer<typeof SlackFile>;

export const SlackMessage = z
  .object({
    ts: z.string(),
    text: z.string().optional(),
    thread_ts: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    files: z.array(SlackFile).optional(),
  })
  .loose();
export type SlackMessage = z.infer<typeof SlackMessage>;

export type SlackAsk =
  | { kind: 'text'; text: string }
  | { kind: 'url'; url: URL }
  | { kind: 'file'; fileId: string; name: string };

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string };

export const COMMAND_USAGE =
  'Usage: `/summarize <link or text>`, for example `/summarize https://youtu.be/…`. To summarize a message or a file, use the message menu → *Summarize*, or mention me in its thread.';
export const MENTION_USAGE =
  'Mention me in the thread of a message that has a link or a file, or in a message with a link or a file, and I will summarize it. In a direct message, just send me the file.';

/**
 * Links as Slack writes them: `<https://…>`, `<https://…|label>`, and (in some command settings)
 * plain. User, channel and special mentions (`<@U…>`, `<#C…>`, `<!here>`) are not links.
 */
export function slackLinks(text: string): URL[] {
  const links: URL[] = [];
  const seen = new Set<string>();
  const add = (candidate: string) => {
    try {
      const url = new URL(candidate.replace(/&amp;/g, '&'));
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !seen.has(url.href)) {
        seen.add(url.href);
        links.push(url);
      }
    } catch {
      // not a link
    }
  };
  for (const match of text.matchAll(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/g)) add(match[1] ?? '');
  // Plain links, found as in any chat text, once the bracketed forms are out of the way.
  for (const url of findLinks(text.replace(/<[^>]*>/g, ' '))) add(url.href);
  return links;
}

/** `/summarize <link or text>`. */
export function mapCommand(text: string): Mapped<SlackAsk> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: COMMAND_USAGE };
  const [link] = slackLinks(trimmed);
  if (link) return { ok: true, value: { kind: 'url', url: link } };
  return { ok: true, value: { kind: 'text', text: plainText(trimmed) } };
}

/** What a message offers: its first file, else its first link, else its text. */
export function askFromMessage(message: SlackMessage, botUserId?: string): SlackAsk | undefined {
  const [file] = message.files ?? [];
  if (file) return { kind: 'file', fileId: file.id, name: file.name ?? file.title ?? 'file' };
  const [link] = slackLinks(message.text ?? '');
  if (link) return { kind: 'url', url: link };
  const text = plainText(withoutMention(message.text ?? '', botUserId));
  return text ? { kind: 'text', text } : undefined;
}

export type MentionDecision =
  | { action: 'summarize'; ask: SlackAsk }
  | { action: 'summarize-parent'; parentTs: string }
  | { action: 'explain'; problem: string };

/** A mention with a link or file summarizes that; a mention in a thread summarizes the thread's parent. */
export function mapMention(message: SlackMessage, botUserId: string): MentionDecision {
  const own = askFromMessage(message, botUserId);
  if (own && own.kind !== 'text') return { action: 'summarize', ask: own };
  if (message.thread_ts && message.thread_ts !== message.ts)
    return { action: 'summarize-parent', parentTs: message.thread_ts };
  return { action: 'explain', problem: MENTION_USAGE };
}

/** The parent's link or file (or its text, when it has neither). */
export function askFromParent(parent: SlackMessage): Mapped<SlackAsk> {
  const ask = askFromMessage(parent);
  return ask
    ? { ok: true, value: ask }
    : { ok: false, problem: 'The message that starts this thread has nothing I can summarize.' };
}

/** Slack text with its markup read as people see it: `<url|label>` → label, `&amp;` → &. */
export function plainText(text: string): string {
  return text
    .replace(/<(?:https?:\/\/[^|>]+)\|([^>]+)>/g, '$1')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function withoutMention(text: string, botUserId: string | undefined): string {
  return botUserId ? text.replaceAll(`<@${botUserId}>`, '') : text;
}
