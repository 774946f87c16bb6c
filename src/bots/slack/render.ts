/**
 * Pure rendering of recap's replies as Slack messages: Block Kit (a header, the bullets as mrkdwn, a
 * context line) with a plain `text` fallback. Everything the model or a page wrote is escaped, so
 * `<!channel>`, `<!here>`, `<@U…>` and links cannot be injected and nobody is pinged.
 */

import { describeSource, momentLabel, momentLink } from '../../commands/links.js';
import { describeProgress } from '../../commands/progress-text.js';
import type { SummaryReply } from '../../commands/summarize.js';
import { userMessageOf } from '../../core/errors.js';
import { plainOneLine as oneLine, truncate } from '../../core/text.js';
import type { Progress } from '../../core/types.js';

export const LIMITS = { header: 150, section: 3000, context: 2000, text: 3000 } as const;

export interface SlackMessagePayload {
  text: string;
  blocks?: unknown[];
}

/** Escapes the three characters Slack treats as markup; with them, every mention and link form. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSummary(reply: SummaryReply): SlackMessagePayload {
  const title = oneLine(reply.title ?? '') || 'Summary';
  const lines = reply.bullets.map((bullet) => oneLine(bullet));
  const bullets = lines.map((bullet, index) => {
    const at = reply.moments[index];
    const link = at === undefined ? undefined : momentLink(reply.source, at);
    const moment = at === undefined ? '' : link ? ` (<${link}|${momentLabel(at)}>)` : ` (${momentLabel(at)})`;
    return `• ${escapeMrkdwn(bullet)}${moment}`;
  });
  const seconds = Math.max(1, Math.round(reply.stats.ms / 1000));
  const parts = reply.stats.chunks > 1 ? ` · ${reply.stats.chunks} parts` : '';
  const source =
    reply.source.kind === 'url'
      ? `<${reply.source.url}|${escapeMrkdwn(truncate(reply.source.url, 200))}>`
      : escapeMrkdwn(describeSource(reply.source));
  const context = `${source} · ${escapeMrkdwn(reply.model)} · ${seconds} s${parts}${reply.cached ? ' · from cache' : ''}`;
  return {
    // The fallback is mrkdwn too (notifications, older clients): escaped like the blocks.
    text: truncate(escapeMrkdwn(`${title}\n${lines.map((bullet) => `• ${bullet}`).join('\n')}`), LIMITS.text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, LIMITS.header), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(bullets.join('\n'), LIMITS.section) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(context, LIMITS.context) }] },
    ],
  };
}

export function renderProgress(progress: Progress): SlackMessagePayload {
  return { text: `:hourglass_flowing_sand: ${describeProgress(progress)}…` };
}

/** The slash command's parent message, before the thread has the bullets. */
export function renderParent(what: string): SlackMessagePayload {
  return { text: `:hourglass_flowing_sand: Summarizing ${escapeMrkdwn(truncate(what, 300))}…` };
}

/** The parent once the bullets are in its thread. */
export function renderParentDone(reply: SummaryReply): SlackMessagePayload {
  const title = reply.title ? `*${escapeMrkdwn(truncate(oneLine(reply.title), 200))}*` : 'this';
  return { text: `:memo: Summary of ${title}: five bullets in the thread.` };
}

export function renderError(error: unknown): SlackMessagePayload {
  return { text: `:warning: ${escapeMrkdwn(truncate(userMessageOf(error), LIMITS.text))}` };
}

export function renderNotice(text: string): SlackMessagePayload {
  return { text };
}

/** The parent, when the answer went somewhere else (privately, or in direct messages). */
/** A placeholder that could not be removed once the answer went to a new message of its thread. */
export function renderAnsweredBelow(): SlackMessagePayload {
  return { text: ':memo: The answer is below, in this thread.' };
}

export function renderParentElsewhere(): SlackMessagePayload {
  return { text: ':memo: The answer was sent privately to the person who asked.' };
}

/** A direct message, when the channel could not take the answer: says which request it answers. */
export function renderDirect(payload: SlackMessagePayload, channel: string): SlackMessagePayload {
  const about = `About what you asked for in <#${channel}>:`;
  return {
    text: truncate(`${about}\n${payload.text}`, LIMITS.text),
    ...(payload.blocks
      ? { blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: about }] }, ...payload.blocks] }
      : {}),
  };
}
