/**
 * A recap as a Slack message: a header with what it covers, one section per bullet (each within Slack's
 * 3,000 characters, its links to the messages it rests on whole), and a context line with the footer.
 * What the model or a name says is escaped, so no `<!channel>`, `<@U…>` or link can be made; who asked a
 * public recap is named in plain text, never with a mention (which would notify them).
 */
import type { RecapBullet, RecapReply } from '../../commands/recap.js';
import { hourMinute } from '../../core/conversation/transcript.js';
import { plainOneLine as oneLine, truncate } from '../../core/text.js';
import { escapeMrkdwn, LIMITS, type SlackMessagePayload } from './render.js';

/** A bullet's text, leaving room for its links within one section. */
const MAX_BULLET_CHARS = 1200;

function links(bullet: RecapBullet): string {
  const shown = bullet.sources.map(({ at, link }) => (link ? `<${link}|${hourMinute(at)}>` : hourMinute(at)));
  if (bullet.more > 0) shown.push(`+${bullet.more}`);
  return shown.length > 0 ? ` ${shown.join(' ')}` : '';
}

function heading(reply: RecapReply): string {
  return oneLine(`${reply.title}, ${reply.covers}`);
}

function context(reply: RecapReply): string {
  const seconds = Math.max(1, Math.round(reply.stats.ms / 1000));
  const parts = reply.stats.chunks > 1 ? ` · ${reply.stats.chunks} parts` : '';
  return escapeMrkdwn(`${reply.footer} · ${reply.model} · ${seconds} s${parts} · times in UTC`);
}

export function renderRecap(reply: RecapReply): SlackMessagePayload {
  const bullets = reply.bullets.map((bullet) => truncate(oneLine(bullet.text), MAX_BULLET_CHARS));
  const asked = reply.requestedBy ? `Recap requested by ${oneLine(reply.requestedBy.name)}` : undefined;
  const text = [asked, heading(reply), ...bullets.map((bullet) => `• ${bullet}`)].filter(Boolean).join('\n');
  return {
    text: truncate(escapeMrkdwn(text), LIMITS.text),
    blocks: [
      ...(asked ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(asked) }] }] : []),
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(heading(reply), LIMITS.header), emoji: true },
      },
      ...bullets.map((bullet, index) => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `• ${escapeMrkdwn(bullet)}${links(reply.bullets[index] as RecapBullet)}`,
        },
      })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(context(reply), LIMITS.context) }] },
    ],
  };
}
