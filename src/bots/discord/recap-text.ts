/**
 * Discord messages as a recap reads them, without a network: which to skip, and the text people see,
 * every mention made plain words (`<@id>` → `@Dana`, `<@&id>` → `@Moderators`, `<#id>` → `#general`,
 * `@everyone` → "(to everyone)"), so nothing the model repeats can ping. Markup follows
 * discord-api-docs reference.mdx "Message Formatting"; message types follow message.mdx "Message Types".
 */
import type { APIMessage } from 'discord.js';
import { replaceTokens } from '../../core/conversation/message-text.js';
import { truncate } from '../../core/text.js';

/** Names the reader found for the ids a message mentions; an unknown id reads as a generic word. */
export interface Names {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  channel(id: string): string | undefined;
}

/**
 * Types people write (or other apps post for them): default 0, reply 19, chat input command 20, context
 * menu command 23, and the thread starter 21 (replaced by the message it points to). The rest (joins,
 * pins, boosts, "thread created", auto-moderation notices…) are system messages.
 */
const WRITTEN_TYPES = new Set([0, 19, 20, 21, 23]);
export const THREAD_STARTER = 21;

export function skipOf(message: APIMessage, botId: string): 'bot' | 'system' | undefined {
  if (message.author.id === botId) return 'bot';
  return WRITTEN_TYPES.has(message.type) ? undefined : 'system';
}

/** What a message shows besides its content: embeds, stickers, a forwarded message, a poll. */
function extras(message: APIMessage, names: Names): string[] {
  const parts: string[] = [];
  // Link previews repeat the link in the content; an embed is read when it is what the message says.
  if (message.content === '' || message.author.bot) {
    for (const embed of message.embeds.slice(0, 3)) {
      const text = [embed.title, embed.description].filter(Boolean).join(' — ');
      if (text) parts.push(`[embed: ${truncate(plainMentions(text, names), 500)}]`);
    }
  }
  for (const sticker of message.sticker_items ?? []) parts.push(`[sticker: ${sticker.name}]`);
  const forwarded = message.message_snapshots?.[0]?.message.content;
  if (forwarded) parts.push(`[forwarded: "${plainMentions(forwarded, names)}"]`);
  if (message.poll) parts.push(`[poll: ${message.poll.question.text ?? ''}]`);
  return parts;
}

/** The message's text as people read it, mentions as names, with what it shows besides. */
export function readableText(message: APIMessage, names: Names): string {
  return [plainMentions(message.content, names), ...extras(message, names)].filter(Boolean).join('\n');
}

/** Whether a message a person wrote came with nothing at all: how messages read without Message Content. */
export function isBlank(message: APIMessage): boolean {
  return (
    message.content === '' &&
    message.attachments.length === 0 &&
    message.embeds.length === 0 &&
    (message.sticker_items ?? []).length === 0 &&
    (message.message_snapshots ?? []).length === 0 &&
    !message.poll
  );
}

const BROADCASTS: [string, string][] = [
  ['@everyone', '(to everyone)'],
  ['@here', '(to everyone online)'],
];

/** Every mention form as plain words, in one pass over the `<…>` tokens (linear, whatever the text). */
export function plainMentions(content: string, names: Names): string {
  let text = replaceTokens(content, (inside) => token(inside, names));
  for (const [mention, words] of BROADCASTS) text = text.replaceAll(mention, words);
  return text;
}

/** One `<…>` token, as the client shows it. */
function token(inside: string, names: Names): string {
  const digits = (from: number) => {
    const id = inside.slice(from);
    return /^\d{1,20}$/.test(id) ? id : undefined;
  };
  if (inside.startsWith('@&')) {
    const id = digits(2);
    if (id) return `@${names.role(id) ?? 'a role'}`;
  } else if (inside.startsWith('@')) {
    const id = digits(inside.startsWith('@!') ? 2 : 1);
    if (id) return `@${names.user(id) ?? 'someone'}`;
  } else if (inside.startsWith('#')) {
    const id = digits(1);
    if (id) return `#${names.channel(id) ?? 'a channel'}`;
  }
  return otherToken(inside);
}

/** Custom emoji, timestamps, command mentions and links with their preview suppressed. */
function otherToken(inside: string): string {
  const parts = inside.split(':');
  if ((parts[0] === '' || parts[0] === 'a') && parts.length === 3) return `:${parts[1]}:`;
  if (parts[0] === 't' && /^\d{1,12}$/.test(parts[1] ?? '')) {
    return `${new Date(Number(parts[1]) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
  if (inside.startsWith('/') && parts.length === 2) return parts[0] ?? '';
  if (/^https?:\/\//.test(inside)) return inside;
  return `<${inside}>`;
}
