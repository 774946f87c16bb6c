/**
 * How a burst's requests ended, read from a fake platform once the app has settled: every request must
 * end visibly for its person (a summary, or a notice such as "recap is busy"), and no placeholder may be
 * left saying recap is working. Counts over the whole run of one app: the bench compares them with the
 * requests sent.
 */
import type { FakeDiscord } from '../../test/fakes/discord.js';
import type { FakeSlack } from '../../test/fakes/slack.js';

export interface EndStates {
  summaries: number;
  /** Notices and errors the person saw (privately, or in the channel). */
  notices: number;
  /** Messages still saying recap is working. */
  waiting: number;
}

type Json = Record<string, unknown>;
const FIVE_BULLETS = (text: unknown) =>
  String(text ?? '')
    .split('\n')
    .filter((line) => line.startsWith('• ')).length === 5;

export function slackEndStates(slack: FakeSlack): EndStates {
  const bot = slack.bot.userId;
  const posted = [...slack.workspace.messages.values()].flat().filter((m) => m.user === bot) as Json[];
  const sections = (m: Json) => ((m.blocks ?? []) as Json[]).map((b) => (b.text as Json | undefined)?.text);
  const text = (m: Json) => String(m.text ?? '');
  const privately = [
    ...slack.responses.map((r) => r.body),
    ...slack.ephemerals.map((e) => e.message as Json),
  ];
  return {
    summaries: [...posted, ...privately].filter((m) => sections(m).some(FIVE_BULLETS)).length,
    notices: [...posted, ...privately].filter(
      (m) => text(m).startsWith(':warning:') || (!sections(m).length && !text(m).startsWith(':')),
    ).length,
    waiting: posted.filter((m) => text(m).startsWith(':hourglass_flowing_sand:')).length,
  };
}

export function discordEndStates(discord: FakeDiscord): EndStates {
  const bot = discord.bot.id;
  const mine = [...discord.messages.values()].filter((m) => (m.author as Json | undefined)?.id === bot);
  const content = (m: Json) => String(m.content ?? '');
  const embeds = (m: Json) => (m.embeds ?? []) as Json[];
  return {
    summaries: mine.filter((m) => embeds(m).some((e) => FIVE_BULLETS(e.description))).length,
    notices: mine.filter((m) => !embeds(m).length && content(m) !== '' && !content(m).startsWith('⏳'))
      .length,
    waiting: mine.filter(
      (m) => content(m).startsWith('⏳') || (Number(m.flags ?? 0) & 128 && !content(m) && !embeds(m).length),
    ).length,
  };
}
