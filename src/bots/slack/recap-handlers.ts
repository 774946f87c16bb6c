/**
 * The ways to ask Slack for a recap, as intakes for the chat runtime: `/recap` in a channel, the message
 * shortcut Recap thread (callback_id `recap_thread`), and `@recap recap` (in a thread: that thread).
 * Before anything is read or posted, the requester and recap must both be in the conversation
 * (`conversations.members`): a private channel recap is in but the requester is not is never read for them.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Mapped, RecapCommand } from '../../commands/request.js';
import type { ChatRuntime, Intake } from '../../commands/runtime.js';
import { describeScope } from '../../core/conversation/scope.js';
import { RecapError } from '../../core/errors.js';
import { freshResponseUrl, origin, privateNotice, type Who } from './handlers.js';
import { SlackMessage } from './map-event.js';
import { mapRecapShortcut, mapRecapWords, recapWordsOf } from './recap-map.js';
import type { SlackRecapTarget } from './recap-surface.js';
import { msToTs } from './recap-text.js';
import { renderNotice, renderProgress } from './render.js';
import { type ResponseUrl, type SlackCalls, slackSurfaceError } from './slack-calls.js';

export const RECAP_SHORTCUT_CALLBACK_ID = 'recap_thread';

export const PERSON_NOT_IN_CONVERSATION =
  'You are not in this conversation, so recap will not read it for you. Join it first.';
export const RECAP_NOT_IN_CONVERSATION =
  'recap is not in this conversation, so it cannot read it. Invite it with `/invite @recap` and ask again.';

export function registerRecapHandlers(app: App, runtime: ChatRuntime, calls: SlackCalls): void {
  app.command('/recap', async ({ command, ack, context }) => {
    await ack();
    const who = {
      requestId: command.trigger_id,
      team: command.team_id,
      channel: command.channel_id,
      user: command.user_id,
    };
    const request = mapRecapWords(command.text, { channel: who.channel, before: msToTs(Date.now()) });
    const responseUrl = freshResponseUrl(command.response_url);
    runtime.receive(recapIntake({ app, calls, who, request, botUserId: context.botUserId, responseUrl }));
  });
  app.shortcut(RECAP_SHORTCUT_CALLBACK_ID, async ({ shortcut, ack, context }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const who = {
      requestId: shortcut.trigger_id,
      team: shortcut.team?.id,
      channel: shortcut.channel.id,
      user: shortcut.user.id,
    };
    const message = SlackMessage.parse(shortcut.message);
    const request = mapRecapShortcut(message, { channel: who.channel, before: shortcut.action_ts });
    const responseUrl = freshResponseUrl(shortcut.response_url);
    runtime.receive(recapIntake({ app, calls, who, request, botUserId: context.botUserId, responseUrl }));
  });
  app.event('app_mention', async ({ event, body, context }) => {
    const message = SlackMessage.parse(event);
    const words = recapWordsOf(message.text ?? '', context.botUserId);
    if (words === undefined || message.bot_id) return;
    const who = {
      requestId: body.event_id,
      team: body.team_id,
      channel: event.channel,
      user: message.user ?? 'unknown',
    };
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    const request = mapRecapWords(words, { channel: who.channel, threadTs, before: message.ts });
    runtime.receive(recapIntake({ app, calls, who, request, botUserId: context.botUserId }));
  });
}

interface RecapAsked {
  app: App;
  calls: SlackCalls;
  who: Who;
  request: Mapped<RecapCommand>;
  botUserId: string | undefined;
  responseUrl?: ResponseUrl | undefined;
}

function recapIntake({
  app,
  calls,
  who,
  request,
  botUserId,
  responseUrl,
}: RecapAsked): Intake<SlackRecapTarget> {
  const threadTs = request.ok ? request.value.conversation.threadTs : undefined;
  return {
    origin: origin(who),
    request,
    notice: privateNotice(calls, who, responseUrl, threadTs),
    async open() {
      if (!request.ok) throw new RecapError('recap_refused', request.problem);
      await checkMembers(app.client, who, botUserId);
      const place = {
        channel: who.channel,
        ...(threadTs ? { threadTs } : {}),
        ...(responseUrl ? { responseUrl } : {}),
      };
      if (request.value.public) {
        const placeholderTs = await calls.post(who.channel, renderProgress({ stage: 'reading' }), threadTs);
        return { kind: 'recap-public', ...place, placeholderTs };
      }
      // Ephemeral messages cannot be edited: one notice now, the recap replacing it (or after it) later.
      // The notice is a courtesy: when neither way takes it, the recap still comes by its own routes.
      const notice = renderNotice(
        `:memo: Recapping what was said ${describeScope(request.value.scope)}: only you will see it.`,
      );
      const ephemeral = () => calls.ephemeral(who.channel, who.user, notice, threadTs);
      await (responseUrl ? calls.respond(responseUrl, notice).catch(ephemeral) : ephemeral()).catch(
        () => undefined,
      );
      return { kind: 'recap-private', ...place };
    },
  };
}

/** Both the requester and recap must be in the conversation; pages of members until both are found. */
async function checkMembers(client: WebClient, who: Who, botUserId: string | undefined): Promise<void> {
  const missing = new Set([who.user, ...(botUserId ? [botUserId] : [])]);
  let cursor: string | undefined;
  do {
    const page = await client.conversations
      .members({ channel: who.channel, limit: 500, ...(cursor ? { cursor } : {}) })
      .catch((error: unknown) => {
        const reason = (error as { data?: { error?: string } }).data?.error;
        if (reason === 'channel_not_found')
          throw new RecapError('recap_refused', RECAP_NOT_IN_CONVERSATION, { cause: error });
        throw slackSurfaceError(error);
      });
    for (const member of page.members ?? []) missing.delete(member);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor && missing.size > 0);
  if (botUserId && missing.has(botUserId)) throw new RecapError('recap_refused', RECAP_NOT_IN_CONVERSATION);
  if (missing.has(who.user)) throw new RecapError('recap_refused', PERSON_NOT_IN_CONVERSATION);
}
