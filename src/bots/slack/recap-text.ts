/**
 * Slack messages as a recap reads them, without a network: which to skip, who wrote them, and the text
 * people see, every mention made plain words so nothing the model repeats can ping (docs.slack.dev
 * "Formatting text for app surfaces": `<@U…>`, `<#C…|name>`, `<!here>`, `<!channel>`, `<!everyone>`,
 * `<!subteam^S…|@handle>`, `<!date^…|fallback>`, `<url|label>`, and `&amp;` `&lt;` `&gt;`).
 */
import { z } from 'zod';
import { replaceTokens } from '../../core/conversation/message-text.js';
import { SlackFile } from './map-event.js';

/** A message as conversations.history and .replies return it (the fields a recap reads). */
export const HistoryMessage = z
  .object({
    ts: z.string(),
    text: z.string().default(''),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    username: z.string().optional(),
    bot_profile: z.object({ name: z.string().optional() }).loose().optional(),
    subtype: z.string().optional(),
    thread_ts: z.string().optional(),
    reply_count: z.number().optional(),
    /** A thread's parent: the ts of its newest reply. */
    latest_reply: z.string().optional(),
    files: z.array(SlackFile).optional(),
  })
  .loose();
export type HistoryMessage = z.infer<typeof HistoryMessage>;

/**
 * Subtypes people (or other apps) write: another app's post, a reply also sent to the channel, a shared
 * file, a /me message. The rest (joins, leaves, topic and name changes, pins, a deleted parent's
 * tombstone…) are system messages (docs.slack.dev, "Message subtypes").
 */
const WRITTEN_SUBTYPES = new Set(['bot_message', 'thread_broadcast', 'file_share', 'me_message']);

export interface BotIdentity {
  userId: string;
  botId: string;
}

export function skipOf(message: HistoryMessage, bot: BotIdentity): 'bot' | 'system' | undefined {
  if (message.user === bot.userId || message.bot_id === bot.botId) return 'bot';
  return message.subtype === undefined || WRITTEN_SUBTYPES.has(message.subtype) ? undefined : 'system';
}

export function authorOf(message: HistoryMessage): string {
  return message.user ?? message.bot_id ?? 'unknown';
}

export function isBotMessage(message: HistoryMessage): boolean {
  return message.bot_id !== undefined || message.subtype === 'bot_message';
}

/** A Slack ts ("seconds.microseconds") in ms, and back. */
export function tsToMs(ts: string): number {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return Number(seconds) * 1000 + Math.floor(Number(micros.padEnd(6, '0')) / 1000);
}

export function msToTs(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

const SPECIAL: Record<string, string> = {
  here: '(to everyone here)',
  channel: '(to the channel)',
  everyone: '(to everyone)',
};

/**
 * `@channel`, `@here` and `@everyone` typed as plain words (an app's text, or a message Slack did not
 * encode) notify people wherever Slack parses them, so they are made plain words too, as the `<!…>` forms.
 */
const PLAIN_BROADCAST = /@(channel|here|everyone)\b/g;

function quietBroadcasts(text: string): string {
  return text.replace(PLAIN_BROADCAST, (mention: string, word: string, at: number) =>
    at > 0 && /\w/.test(text.charAt(at - 1)) ? mention : (SPECIAL[word] ?? mention),
  );
}

/** Every `<…>` token as plain words, in one pass (linear whatever the text), then the three entities. */
export function plainSlackText(
  text: string,
  userName: (id: string, label: string | undefined) => string | undefined,
): string {
  return replaceTokens(quietBroadcasts(text), (inside) => token(inside, userName))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function token(
  inside: string,
  userName: (id: string, label: string | undefined) => string | undefined,
): string {
  const bar = inside.indexOf('|');
  const target = bar === -1 ? inside : inside.slice(0, bar);
  const label = bar === -1 ? undefined : inside.slice(bar + 1);
  if (target.startsWith('@')) return `@${userName(target.slice(1), label) ?? label ?? 'someone'}`;
  if (target.startsWith('#')) return `#${label || 'a channel'}`;
  if (target.startsWith('!subteam^')) return label ? `@${label.replace(/^@/, '')}` : '@a group';
  if (target.startsWith('!date^')) return label ?? 'a date';
  if (target.startsWith('!')) return SPECIAL[target.slice(1)] ?? label ?? '';
  return label || target;
}
