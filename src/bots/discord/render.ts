/**
 * Pure rendering of recap's replies as Discord message payloads (API JSON), within Discord's limits:
 * 2000 characters of content, an embed title of 256, a description of 4096, a footer of 2048, and
 * 6000 in all. Every payload pings nobody.
 */
import type { APIEmbed } from 'discord.js';
import { describeSource, momentLabel, momentLink } from '../../commands/links.js';
import { describeProgress } from '../../commands/progress-text.js';
import type { SummaryReply } from '../../commands/summarize.js';
import { userMessageOf } from '../../core/errors.js';
import { plainOneLine as oneLine, truncate } from '../../core/text.js';
import type { Progress } from '../../core/types.js';

export const NO_MENTIONS = { parse: [] as never[], replied_user: false };

export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  footer: 2048,
  threadName: 100,
} as const;
/** Our footer's own cap, so title + description + footer stay under the 6000 characters of an embed. */
const FOOTER_MAX = 300;

export interface DiscordPayload {
  content?: string;
  embeds?: APIEmbed[];
  allowed_mentions: typeof NO_MENTIONS;
}

const ACCENT = 0x5865f2;

/** Each bullet as one line of escaped text, with the moment it is grounded in (linked, for a video). */
function bulletLines(reply: SummaryReply): string[] {
  return reply.bullets.map((bullet, index) => {
    const at = reply.moments[index];
    const link = at === undefined ? undefined : momentLink(reply.source, at);
    const moment =
      at === undefined ? '' : link ? ` ([${momentLabel(at)}](${link}))` : ` (${momentLabel(at)})`;
    return `• ${escapeMarkdown(oneLine(bullet))}${moment}`;
  });
}

/** The summary: title (linked to the source), five bullets with their moments, source and footer. */
export function renderSummary(reply: SummaryReply): DiscordPayload {
  const bullets = bulletLines(reply);
  const source =
    reply.source.kind === 'url' ? undefined : `Source: ${escapeMarkdown(describeSource(reply.source))}`;
  const description = truncate([...bullets, ...(source ? ['', source] : [])].join('\n'), LIMITS.description);
  const embed: APIEmbed = {
    title: truncate(oneLine(reply.title ?? '') || 'Summary', LIMITS.title),
    description,
    color: ACCENT,
    footer: { text: truncate(footerText(reply), FOOTER_MAX) },
  };
  if (reply.source.kind === 'url') embed.url = reply.source.url;
  return { embeds: [embed], allowed_mentions: NO_MENTIONS };
}

/**
 * The summary as plain message text, for where the bot may not send embeds (no Embed Links: Discord
 * drops the embed, and a message left empty is refused).
 */
export function renderSummaryText(reply: SummaryReply): DiscordPayload {
  const title = `**${escapeMarkdown(truncate(oneLine(reply.title ?? '') || 'Summary', 200))}**`;
  const text = [title, ...bulletLines(reply), escapeMarkdown(footerText(reply))].join('\n');
  return { content: truncate(text, LIMITS.content), embeds: [], allowed_mentions: NO_MENTIONS };
}

export function footerText(reply: SummaryReply): string {
  const seconds = Math.max(1, Math.round(reply.stats.ms / 1000));
  const parts = reply.stats.chunks > 1 ? ` · ${reply.stats.chunks} parts` : '';
  const cached = reply.cached ? ' · from cache' : '';
  return `${reply.model} · ${seconds} s${parts}${cached}`;
}

/** The line on the reply while the summary is being made. */
export function renderProgress(progress: Progress): DiscordPayload {
  return { content: `⏳ ${describeProgress(progress)}…`, embeds: [], allowed_mentions: NO_MENTIONS };
}

/** The header left on a slash command's reply when the bullets are in its thread. */
export function renderThreadHeader(reply: SummaryReply): DiscordPayload {
  const title = reply.title ? `**${escapeMarkdown(truncate(oneLine(reply.title), 200))}**` : 'this';
  return {
    content: `📝 Summary of ${title} — in the thread below.`,
    embeds: [],
    allowed_mentions: NO_MENTIONS,
  };
}

/** What went wrong and what to do, never a stack trace. */
export function renderError(error: unknown, forUser?: string): DiscordPayload {
  return {
    content: truncate(`⚠️ ${forUser ? `<@${forUser}>: ` : ''}${userMessageOf(error)}`, LIMITS.content),
    embeds: [],
    allowed_mentions: NO_MENTIONS,
  };
}

export function renderText(text: string): DiscordPayload {
  return { content: truncate(text, LIMITS.content), embeds: [], allowed_mentions: NO_MENTIONS };
}

/** The status left once the summary was posted somewhere else: a thread, a channel, direct messages. */
export function renderDone(placeId: string | undefined): DiscordPayload {
  return renderText(
    placeId
      ? `✅ Done: the summary is in <#${placeId}>.`
      : '✅ Done: the summary is in your direct messages.',
  );
}

/** A direct message, when the channel could not take the answer: says which request it answers. */
export function renderDirect(payload: DiscordPayload, channelId: string): DiscordPayload {
  const about = `About what you asked for in <#${channelId}>:`;
  return {
    ...payload,
    content: truncate(payload.content ? `${about}\n${payload.content}` : about, LIMITS.content),
  };
}

/** A thread's name: the title, or the source, within 100 characters. */
export function threadName(title: string | undefined, fallback: string): string {
  const name = oneLine(title ?? fallback) || 'Summary';
  return truncate(`Summary: ${name}`, LIMITS.threadName);
}

/** Model text is shown as text: Markdown and mention syntax are escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_~`|>[\]()<])/g, '\\$1').replace(/@(everyone|here)/g, '@\u200b$1');
}
