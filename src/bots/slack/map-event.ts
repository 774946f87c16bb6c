/**
 * Pure mapping from what Slack sends (slash commands, message shortcuts, app_mention and message
 * events) to what recap is asked. No client, no network: the wiring reads Slack's payloads into these
 * shapes and hands the result to the runtime.
 */
import { z } from 'zod';
import { findLinks } from '../../commands/links.js';
import type { Ask, Command, Mapped } from '../../commands/request.js';
import { recapWordsOf } from './recap-map.js';

/** Slack truncates a message's text at 40,000 characters: nothing longer is scanned. */
export const TEXT_LIMIT = 40_000;

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
    subtype: z.string().optional(),
    files: z.array(SlackFile).optional(),
  })
  .loose();
export type SlackMessage = z.infer<typeof SlackMessage>;

export const COMMAND_USAGE =
  'Usage: `/summarize <link or text>`, for example `/summarize https://youtu.be/…`. To summarize a message or a file, use the message menu → *Summarize*, or mention me in its thread.';
export const MENTION_USAGE =
  'Mention me in the thread of a message that has a link or a file, or in a message with a link or a file, and I will summarize it. In a direct message, just send me the file.';
export const NOTHING_IN_MESSAGE = 'That message has no link, file or text to summarize.';
export const NOTHING_IN_PARENT = 'The message that starts this thread has nothing I can summarize.';

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
  const head = text.slice(0, TEXT_LIMIT);
  for (const match of head.matchAll(/<(https?:\/\/[^|<>\s]+)(?:\|[^<>]*)?>/g)) add(match[1] ?? '');
  // Plain links, found as in any chat text, once the bracketed forms are out of the way.
  for (const url of findLinks(head.replace(/<[^<>]*>/g, ' '))) add(url.href);
  return links;
}

const summarize = (ask: Ask): Mapped<Command> => ({ ok: true, value: { kind: 'summarize', ask } });

/** `/summarize <link or text>`. */
export function mapCommand(text: string): Mapped<Command> {
  const trimmed = text.slice(0, TEXT_LIMIT).trim();
  if (trimmed === '') return { ok: false, problem: COMMAND_USAGE };
  const [link] = slackLinks(trimmed);
  if (link) return summarize({ kind: 'url', url: link.href });
  return summarize({ kind: 'text', text: plainText(trimmed) });
}

/** What a message offers: its first file, else its first link, else its text. */
export function askFromMessage(message: SlackMessage, botUserId?: string): Ask | undefined {
  const [file] = message.files ?? [];
  if (file) {
    const url = file.url_private_download ?? file.url_private;
    return {
      kind: 'file',
      file: {
        id: file.id,
        name: file.name ?? file.title ?? 'file',
        ...(url ? { url } : {}),
        ...(file.mimetype ? { contentType: file.mimetype } : {}),
        ...(file.size === undefined ? {} : { size: file.size }),
      },
    };
  }
  const [link] = slackLinks(message.text ?? '');
  if (link) return { kind: 'url', url: link.href };
  const text = plainText(withoutMention((message.text ?? '').slice(0, TEXT_LIMIT), botUserId));
  return text ? { kind: 'text', text } : undefined;
}

/** Message menu → Summarize. */
export function mapShortcut(message: SlackMessage): Mapped<Command> {
  const ask = askFromMessage(message);
  return ask ? summarize(ask) : { ok: false, problem: NOTHING_IN_MESSAGE };
}

/** Whether a message was written by a bot (another app, or recap itself): those are never answered. */
export function writtenByBot(message: SlackMessage, botUserId: string | undefined): boolean {
  return Boolean(message.bot_id) || message.subtype === 'bot_message' || message.user === botUserId;
}

/**
 * A mention with a link or file summarizes that; a mention in a thread summarizes the thread's parent
 * (read when the job runs). Undefined: a bot wrote it, and it is not answered, or it asks for a recap
 * (`@recap recap`), which recap-handlers.ts answers.
 */
export function mapMention(
  message: SlackMessage,
  channel: string,
  botUserId: string | undefined,
): Mapped<Command> | undefined {
  if (writtenByBot(message, botUserId)) return undefined;
  if (recapWordsOf(message.text ?? '', botUserId) !== undefined) return undefined;
  const own = askFromMessage(message, botUserId);
  if (own && own.kind !== 'text') return summarize(own);
  if (message.thread_ts && message.thread_ts !== message.ts)
    return summarize({ kind: 'message', channel, id: message.thread_ts });
  return { ok: false, problem: MENTION_USAGE };
}

export const DIRECT_USAGE =
  'Send me a link or a file here and I will summarize it. For text, use `/summarize <text>`.';

/**
 * A person's message in their direct message with recap (the App Home's Messages tab): its file or link
 * is summarized, as INVITE tells people to do when recap is not in a channel. A new message with neither
 * is answered with how to ask; a reply in a thread without one is left alone (a "thanks" under a
 * summary). Anything else (edits, bots, other channels): undefined.
 */
export function mapDirectMessage(
  message: SlackMessage & { channel_type?: unknown },
  botUserId: string | undefined,
): Mapped<Command> | undefined {
  if (message.channel_type !== 'im' || writtenByBot(message, botUserId)) return undefined;
  if (message.subtype !== undefined && message.subtype !== 'file_share') return undefined;
  const ask = askFromMessage(message);
  if (ask && ask.kind !== 'text') return summarize(ask);
  const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  return inThread ? undefined : { ok: false, problem: DIRECT_USAGE };
}

/**
 * Slack text with its markup read as people see it: `<url|label>` → label, `&amp;` → &. No pattern
 * crosses a `<`, so each scan stops at the next one: linear in the text, whatever it holds.
 */
export function plainText(text: string): string {
  return text
    .replace(/<(?:https?:\/\/[^|<>]+)\|([^<>]+)>/g, '$1')
    .replace(/<(https?:\/\/[^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function withoutMention(text: string, botUserId: string | undefined): string {
  return botUserId ? text.replaceAll(`<@${botUserId}>`, '') : text;
}
