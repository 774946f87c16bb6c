/**
 * Each way of asking on Slack, acknowledged at once and handed to the chat runtime as an intake. The
 * request id is Slack's own: event_id for events, trigger_id for commands and shortcuts.
 */
import type { App, SlashCommand } from '@slack/bolt';
import { type Command, describeAsk, type Mapped, type Origin } from '../../commands/request.js';
import type { ChatRuntime, Intake } from '../../commands/runtime.js';
import type { Route } from '../../commands/surface.js';
import { mapCommand, mapDirectMessage, mapMention, mapShortcut, SlackMessage } from './map-event.js';
import { renderDirect, renderNotice, renderParent, renderProgress } from './render.js';
import type { ResponseUrl, SlackCalls } from './slack-calls.js';
import type { SlackTarget } from './surface.js';

export const SHORTCUT_CALLBACK_ID = 'summarize';

export function registerHandlers(app: App, runtime: ChatRuntime, calls: SlackCalls): void {
  app.command('/summarize', async ({ command, ack }) => {
    await ack();
    runtime.receive(commandIntake(command, calls));
  });
  app.shortcut(SHORTCUT_CALLBACK_ID, async ({ shortcut, ack }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const message = SlackMessage.parse(shortcut.message);
    const who = {
      requestId: shortcut.trigger_id,
      team: shortcut.team?.id,
      channel: shortcut.channel.id,
      user: shortcut.user.id,
    };
    const responseUrl = freshResponseUrl(shortcut.response_url);
    runtime.receive(
      threadIntake(calls, who, mapShortcut(message), message.thread_ts ?? message.ts, responseUrl),
    );
  });
  app.event('app_mention', async ({ event, body, context }) => {
    const message = SlackMessage.parse(event);
    const request = mapMention(message, event.channel, context.botUserId);
    if (!request) return;
    const who = {
      requestId: body.event_id,
      team: body.team_id,
      channel: event.channel,
      user: message.user ?? 'unknown',
    };
    runtime.receive(threadIntake(calls, who, request, message.thread_ts ?? message.ts));
  });
  app.message(async ({ message, body, context }) => {
    const parsed = SlackMessage.parse(message);
    const channelType = (message as { channel_type?: string }).channel_type;
    const request = mapDirectMessage({ ...parsed, channel_type: channelType }, context.botUserId);
    if (!request) return;
    const channel = (message as { channel: string }).channel;
    const who = { requestId: body.event_id, team: body.team_id, channel, user: parsed.user ?? 'unknown' };
    runtime.receive(threadIntake(calls, who, request, parsed.thread_ts ?? parsed.ts));
  });
}

export interface Who {
  requestId: string;
  team: string | undefined;
  channel: string;
  user: string;
}

export function origin(who: Who): Origin {
  return {
    requestId: who.requestId,
    platform: 'slack',
    ...(who.team ? { guild: who.team } : {}),
    channel: who.channel,
    user: who.user,
    receivedAt: Date.now(),
  };
}

export const freshResponseUrl = (url: string | undefined): ResponseUrl | undefined =>
  url ? { url, issuedAt: Date.now(), uses: 0 } : undefined;

/** Private first (the response_url, then an ephemeral message), then a direct message. */
export function privateNotice(
  calls: SlackCalls,
  who: Who,
  responseUrl: ResponseUrl | undefined,
  threadTs?: string,
) {
  return (text: string): Route[] => [
    ...(responseUrl
      ? [{ via: 'response_url', send: () => calls.respond(responseUrl, renderNotice(text)) }]
      : []),
    { via: 'bot', send: () => calls.ephemeral(who.channel, who.user, renderNotice(text), threadTs) },
    { via: 'direct', send: () => calls.direct(who.user, renderDirect(renderNotice(text), who.channel)) },
  ];
}

/** `/summarize`: slash commands carry no thread, so a parent message in the channel starts one. */
function commandIntake(command: SlashCommand, calls: SlackCalls): Intake<SlackTarget> {
  const who = {
    requestId: command.trigger_id,
    team: command.team_id,
    channel: command.channel_id,
    user: command.user_id,
  };
  const request = mapCommand(command.text);
  const responseUrl = freshResponseUrl(command.response_url);
  return {
    origin: origin(who),
    request,
    notice: privateNotice(calls, who, responseUrl),
    async open() {
      const what = request.ok && request.value.kind === 'summarize' ? describeAsk(request.value.ask) : '';
      const parentTs = await calls.post(who.channel, renderParent(what));
      return { kind: 'command', channel: who.channel, parentTs, ...(responseUrl ? { responseUrl } : {}) };
    },
  };
}

/** A shortcut, a mention or a file in a direct message: a placeholder in the thread becomes the answer. */
function threadIntake(
  calls: SlackCalls,
  who: Who,
  request: Mapped<Command>,
  threadTs: string,
  responseUrl?: ResponseUrl,
): Intake<SlackTarget> {
  // Where recap was asked by an event it is in the conversation: usage and refusals go in the thread.
  const notice = responseUrl
    ? privateNotice(calls, who, responseUrl, threadTs)
    : (text: string): Route[] => [
        { via: 'bot', send: () => calls.post(who.channel, renderNotice(text), threadTs) },
        ...privateNotice(calls, who, undefined, threadTs)(text),
      ];
  return {
    origin: origin(who),
    request,
    notice,
    async open() {
      const placeholderTs = await calls.post(who.channel, renderProgress({ stage: 'reading' }), threadTs);
      return {
        kind: 'thread',
        channel: who.channel,
        threadTs,
        placeholderTs,
        ...(responseUrl ? { responseUrl } : {}),
      };
    },
  };
}
