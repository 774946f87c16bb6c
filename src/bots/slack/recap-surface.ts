/**
 * Where a Slack recap answers, rebuilt from plain JSON. A private recap goes to the requester alone:
 * through the response_url (replacing its first notice), then an ephemeral message, then recap's direct
 * messages, never the channel; ephemeral messages cannot be edited (docs.slack.dev "Modifying messages"),
 * so it shows no progress. A public one is a placeholder in the channel or thread that becomes the recap.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { RecapKit, RecapReply } from '../../commands/recap.js';
import type { ChatJob } from '../../commands/request.js';
import type { ReplySurface, Route } from '../../commands/surface.js';
import { slackReader } from './recap-history.js';
import { renderRecap } from './recap-render.js';
import type { BotIdentity } from './recap-text.js';
import {
  renderDirect,
  renderError,
  renderParentElsewhere,
  renderProgress,
  type SlackMessagePayload,
} from './render.js';
import { ResponseUrlSchema, type SlackCalls } from './slack-calls.js';

const place = {
  channel: z.string(),
  threadTs: z.string().optional(),
  responseUrl: ResponseUrlSchema.optional(),
};

export const SlackRecapTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('recap-private'), ...place }),
  z.object({ kind: z.literal('recap-public'), ...place, placeholderTs: z.string() }),
]);
export type SlackRecapTarget = z.infer<typeof SlackRecapTargetSchema>;

export function slackRecapKit(calls: SlackCalls, history: WebClient): RecapKit {
  let identity: Promise<BotIdentity> | undefined;
  const bot = () => {
    identity ??= history.auth.test().then((me) => ({ userId: String(me.user_id), botId: String(me.bot_id) }));
    identity.catch(() => {
      identity = undefined;
    });
    return identity;
  };
  return {
    surface: (job) => recapSurface(calls, SlackRecapTargetSchema.parse(job.target), job),
    reader: () => slackReader(history, bot),
  };
}

/** The requester alone: the response_url, an ephemeral message, then a direct message; `tidy` after any. */
function privateRoutes(
  calls: SlackCalls,
  target: SlackRecapTarget,
  job: ChatJob,
  tidy: () => Promise<unknown> = async () => undefined,
) {
  const { channel, threadTs, responseUrl } = target;
  const { user } = job.origin;
  return (payload: SlackMessagePayload): Route[] => [
    ...(responseUrl
      ? [
          {
            via: 'response_url',
            // Never replace_original: a command's response_url cannot replace the notice (bolt-js#2287), and a
            // message shortcut's would replace the public message it ran on (howdyai/botkit#444). The recap
            // comes after the notice, which says only that it is coming, privately.
            send: () => calls.respond(responseUrl, payload),
            tidy,
          },
        ]
      : []),
    { via: 'bot', send: () => calls.ephemeral(channel, user, payload, threadTs), tidy },
    { via: 'direct', send: () => calls.direct(user, renderDirect(payload, channel)), tidy },
  ];
}

function recapSurface(calls: SlackCalls, target: SlackRecapTarget, job: ChatJob): ReplySurface<RecapReply> {
  if (target.kind === 'recap-private') {
    const privately = privateRoutes(calls, target, job);
    return {
      progress: () => ({ via: 'none', send: async () => undefined }),
      deliver: (recap) => privately(renderRecap(recap)),
      fail: (error) => privately(renderError(error)),
    };
  }
  const { channel, placeholderTs, threadTs } = target;
  const update = (payload: SlackMessagePayload) => () => calls.update(channel, placeholderTs, payload);
  // No placeholder is left behind: removed, or (where it cannot be) marked as answered elsewhere.
  const clear = () => calls.remove(channel, placeholderTs).catch(update(renderParentElsewhere()));
  const privately = privateRoutes(calls, target, job, clear);
  return {
    progress: (progress) => ({ via: 'bot', send: update(renderProgress(progress)) }),
    deliver: (recap) => [
      { via: 'bot', send: update(renderRecap(recap)) },
      { via: 'bot', send: () => calls.post(channel, renderRecap(recap), threadTs), tidy: clear },
      ...privately(renderRecap(recap)),
    ],
    fail: (error) => [...privately(renderError(error)), { via: 'bot', send: update(renderError(error)) }],
  };
}
