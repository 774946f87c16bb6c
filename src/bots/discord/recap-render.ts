/**
 * A recap as a Discord message: an embed (title with what it covers, five bullets each ending with links
 * to the messages it rests on, the footer of what was read and left out), or the same as plain text where
 * the bot may not embed. What the model wrote is escaped; who asked is named with a mention that pings
 * nobody (`allowed_mentions` parses nothing).
 */
import type { APIEmbed } from 'discord.js';
import type { RecapBullet, RecapReply } from '../../commands/recap.js';
import { hourMinute } from '../../core/conversation/transcript.js';
import { plainOneLine as oneLine, truncate } from '../../core/text.js';
import { type DiscordPayload, escapeMarkdown, LIMITS, NO_MENTIONS } from './render.js';

const ACCENT = 0x5865f2;
/** Title, description and footer stay under the 6,000 characters of an embed. */
const FOOTER_MAX = 600;

function sourceLinks(bullet: RecapBullet, suppressPreviews: boolean): string {
  const links = bullet.sources.map(({ at, link }) => {
    if (!link) return hourMinute(at);
    return `[${hourMinute(at)}](${suppressPreviews ? `<${link}>` : link})`;
  });
  if (bullet.more > 0) links.push(`+${bullet.more}`);
  return links.length > 0 ? ` ${links.join(' ')}` : '';
}

function bulletLines(reply: RecapReply, suppressPreviews: boolean): string[] {
  return reply.bullets.map(
    (bullet) => `• ${escapeMarkdown(oneLine(bullet.text))}${sourceLinks(bullet, suppressPreviews)}`,
  );
}

function heading(reply: RecapReply): string {
  return oneLine(`${reply.title}, ${reply.covers}`);
}

function footerText(reply: RecapReply): string {
  const seconds = Math.max(1, Math.round(reply.stats.ms / 1000));
  const parts = reply.stats.chunks > 1 ? ` · ${reply.stats.chunks} parts` : '';
  return `${reply.footer} · ${reply.model} · ${seconds} s${parts} · times in UTC`;
}

function requestedBy(reply: RecapReply): string {
  return reply.requestedBy ? `📝 Recap requested by <@${reply.requestedBy.id}>` : '';
}

export function renderRecap(reply: RecapReply): DiscordPayload {
  const embed: APIEmbed = {
    title: truncate(heading(reply), LIMITS.title),
    description: truncate(bulletLines(reply, false).join('\n'), LIMITS.description),
    color: ACCENT,
    footer: { text: truncate(footerText(reply), FOOTER_MAX) },
  };
  return { content: requestedBy(reply), embeds: [embed], allowed_mentions: NO_MENTIONS };
}

/** The recap as plain text, for where the bot may not send embeds. */
export function renderRecapText(reply: RecapReply): DiscordPayload {
  const lines = [
    requestedBy(reply),
    `**${escapeMarkdown(truncate(heading(reply), 200))}**`,
    ...bulletLines(reply, true),
    escapeMarkdown(footerText(reply)),
  ].filter(Boolean);
  return { content: truncate(lines.join('\n'), LIMITS.content), embeds: [], allowed_mentions: NO_MENTIONS };
}
