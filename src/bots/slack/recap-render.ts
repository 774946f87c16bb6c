/**
 * A recap as a Slack message: a header with what it covers, one section per bullet (each within Slack's
 * 3,000 characters, its links to the messages it rests on whole), and a context line with the footer.
 * What the model or a name says is escaped, so no `<!channel>`, `<@U…>` or link can be made; who asked a
 * public recap is named in plain text, never with a mention (which would notify them). Every mrkdwn text
 * object is `verbatim`, so Slack does not turn plain `@channel`/`@here`/`@everyone` or a channel name into
 * a mention or a link ("verbatim: When set to false (as is default) URLs will be auto-converted into
 * links, conversation names will be link-ified, and certain mentions will be automatically parsed",
 * docs.slack.dev Block Kit reference, "Text object"), and those words are broken with a zero-width space
 * besides, for the fallback `text` and any client that parses anyway.
 */
import type { RecapBullet, RecapReply } from '../../commands/recap.js';
import { hourMinute } from '../../core/conversation/transcript.js';
import { plainOneLine as oneLine, truncate } from '../../core/text.js';
import { escapeMrkdwn, LIMITS, type SlackMessagePayload } from './render.js';

/** A bullet's text, leaving room for its links within one section. */
const MAX_BULLET_CHARS = 1200;

/** A mrkdwn text object Slack shows as written. */
function mrkdwn(text: string) {
  return { type: 'mrkdwn', text, verbatim: true };
}

const BROADCAST = /@(channel|here|everyone)\b/g;

/** `@here` as `@\u200bhere`: read the same, notifies nobody. */
function quiet(text: string): string {
  return text.replace(BROADCAST, (_mention: string, word: string) => `@\u200b${word}`);
}

/**
 * Escaped text cut to `max` characters as Slack counts them (escaping can make a text five times longer:
 * `&` is `&amp;`), never inside an entity: only escaped text holds a `&`, and each starts one.
 */
function cutEscaped(escaped: string, max: number): string {
  const cut = truncate(escaped, max);
  if (cut === escaped) return cut;
  const body = cut.slice(0, -1);
  const amp = body.lastIndexOf('&');
  return `${amp !== -1 && !body.includes(';', amp) ? body.slice(0, amp) : body}…`;
}

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
  const bullets = reply.bullets.map((bullet) => quiet(oneLine(bullet.text)));
  const asked = reply.requestedBy
    ? quiet(`Recap requested by ${oneLine(reply.requestedBy.name)}`)
    : undefined;
  const text = [asked, heading(reply), ...bullets.map((bullet) => `• ${bullet}`)].filter(Boolean).join('\n');
  return {
    text: cutEscaped(escapeMrkdwn(text), LIMITS.text),
    blocks: [
      ...(asked ? [{ type: 'context', elements: [mrkdwn(escapeMrkdwn(asked))] }] : []),
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(heading(reply), LIMITS.header), emoji: true },
      },
      ...bullets.map((bullet, index) => ({
        type: 'section',
        text: mrkdwn(
          `• ${cutEscaped(escapeMrkdwn(bullet), MAX_BULLET_CHARS)}${links(reply.bullets[index] as RecapBullet)}`,
        ),
      })),
      { type: 'context', elements: [mrkdwn(truncate(context(reply), LIMITS.context))] },
    ],
  };
}
