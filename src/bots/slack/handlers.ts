import type {
  AllMiddlewareArgs,
  App,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
} from '@slack/bolt';
import type { ReplySurface } from '../../commands/chat-job.js';
import { PLAIN, type SlackJobs } from './jobs.js';
import {
  askFromMessage,
  askFromParent,
  mapCommand,
  mapMention,
  type SlackAsk,
  SlackMessage,
} from './map-event.js';
import {
  renderError,
  renderNotice,
  renderParent,
  renderParentDone,
  renderProgress,
  renderSummary,
  type SlackMessagePayload,
} from './render.js';

export const SHORTCUT_CALLBACK_ID = 'summarize';
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);
const INVITE =
  "I'm not in this channel, so I can't post the summary here. Invite me with `/invite @recap` and try again, or send me the link in a direct message.";

/** Each way of asking: acknowledged at once, the work continuing in the background. */
export function registerHandlers(app: App, jobs: SlackJobs): void {
  app.command('/summarize', async (args) => {
    await args.ack();
    jobs.background('/summarize', () => onCommand(args, jobs));
  });
  app.shortcut(SHORTCUT_CALLBACK_ID, async (args) => {
    await args.ack();
    jobs.background('shortcut', () => onShortcut(args, jobs));
  });
  app.event('app_mention', async (args) => {
    jobs.background('app_mention', () => onMention(args, jobs));
  });
  app.message(async (args) => {
    jobs.background('direct message', () => onDirectFile(args, jobs));
  });
}

/** `/summarize`: a parent message in the channel shows progress; the bullets go in its thread. */
async function onCommand(
  { command, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
  jobs: SlackJobs,
): Promise<void> {
  const ephemeral = (payload: SlackMessagePayload) => respond({ ...payload, response_type: 'ephemeral' });
  const mapped = mapCommand(command.text);
  const refusal = mapped.ok ? jobs.refusal(command.user_id) : mapped.problem;
  if (refusal || !mapped.ok) return void (await ephemeral(renderNotice(refusal ?? '')));
  const channel = command.channel_id;
  let parentTs: string;
  try {
    const parent = await client.chat.postMessage({
      channel,
      ...renderParent(describe(mapped.value)),
      ...PLAIN,
    });
    parentTs = String(parent.ts);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && NOT_IN_CHANNEL.has(code)) return void (await ephemeral(renderNotice(INVITE)));
    throw error;
  }
  const surface: ReplySurface = {
    progress: (progress) =>
      client.chat.update({ channel, ts: parentTs, ...renderProgress(progress), ...PLAIN }),
    async deliver(reply) {
      await client.chat.postMessage({ channel, thread_ts: parentTs, ...renderSummary(reply), ...PLAIN });
      await client.chat.update({ channel, ts: parentTs, ...renderParentDone(reply), ...PLAIN });
    },
    async fail(error) {
      await ephemeral(renderError(error));
      await client.chat.delete({ channel, ts: parentTs }).catch(() => undefined);
    },
  };
  await jobs.run(mapped.value, client, `slack command from ${command.user_id}`, surface);
}

/** Message menu → Summarize: that message's file, link or text, answered in its thread. */
async function onShortcut(
  { shortcut, client }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs,
  jobs: SlackJobs,
): Promise<void> {
  if (shortcut.type !== 'message_action') return;
  const channel = shortcut.channel.id;
  const message = SlackMessage.parse(shortcut.message);
  const threadTs = message.thread_ts ?? message.ts;
  const ask = askFromMessage(message);
  const refusal = ask
    ? jobs.refusal(shortcut.user.id)
    : 'That message has no link, file or text to summarize.';
  if (refusal || !ask) {
    await client.chat.postEphemeral({
      channel,
      user: shortcut.user.id,
      thread_ts: threadTs,
      ...renderNotice(refusal ?? ''),
    });
    return;
  }
  await jobs.runInThread(client, channel, threadTs, ask, `slack shortcut from ${shortcut.user.id}`);
}

/** @recap in a message with a link or file, or in a thread (its parent is summarized). */
async function onMention(
  { event, client, context }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs,
  jobs: SlackJobs,
): Promise<void> {
  const message = SlackMessage.parse(event);
  const threadTs = message.thread_ts ?? message.ts;
  const decision = mapMention(message, context.botUserId ?? '');
  if (decision.action === 'explain') return jobs.notice(client, event.channel, threadTs, decision.problem);
  let ask: SlackAsk;
  if (decision.action === 'summarize-parent') {
    const replies = await client.conversations.replies({
      channel: event.channel,
      ts: decision.parentTs,
      limit: 1,
      inclusive: true,
    });
    const mapped = askFromParent(SlackMessage.parse(replies.messages?.[0] ?? { ts: decision.parentTs }));
    if (!mapped.ok) return jobs.notice(client, event.channel, threadTs, mapped.problem);
    ask = mapped.value;
  } else {
    ask = decision.ask;
  }
  const refusal = jobs.refusal(message.user ?? 'unknown');
  if (refusal) return jobs.notice(client, event.channel, threadTs, refusal);
  await jobs.runInThread(client, event.channel, threadTs, ask, `slack mention ${message.ts}`);
}

/** A file shared in a direct message with the bot. */
async function onDirectFile(
  { message, client }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs,
  jobs: SlackJobs,
): Promise<void> {
  const event = message as unknown as {
    channel_type?: string;
    subtype?: string;
    channel: string;
    user?: string;
    bot_id?: string;
  };
  if (event.channel_type !== 'im' || event.subtype !== 'file_share' || event.bot_id) return;
  const parsed = SlackMessage.parse(message);
  const ask = askFromMessage(parsed);
  if (ask?.kind !== 'file') return;
  const refusal = jobs.refusal(event.user ?? 'unknown');
  if (refusal) return jobs.notice(client, event.channel, parsed.ts, refusal);
  await jobs.runInThread(
    client,
    event.channel,
    parsed.ts,
    ask,
    `slack dm file from ${event.user ?? 'unknown'}`,
  );
}

function describe(ask: SlackAsk): string {
  if (ask.kind === 'url') return ask.url.href;
  if (ask.kind === 'file') return ask.name;
  return `“${ask.text.slice(0, 60)}${ask.text.length > 60 ? '…' : ''}”`;
}
