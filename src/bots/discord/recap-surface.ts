/**
 * Where a Discord recap answers, rebuilt from plain JSON and REST alone. A private recap lives in the
 * ephemeral reply (its token, 15 minutes), then in the person's direct messages: never in the channel. A
 * public one is the visible reply, edited by the token, then by the bot, then posted anew in the channel.
 */
import { type REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { RecapKit, RecapReply } from '../../commands/recap.js';
import type { ChatJob } from '../../commands/request.js';
import type { ReplySurface, Route } from '../../commands/surface.js';
import { discordReader } from './recap-history.js';
import { renderRecap, renderRecapText } from './recap-render.js';
import { type DiscordPayload, renderDirect, renderError, renderProgress, renderText } from './render.js';
import { type DiscordCalls, EPHEMERAL } from './rest-calls.js';
import { InteractionSchema, jobNonces, slashReply } from './surface.js';

export const RecapTargetSchema = z.object({
  kind: z.literal('recap'),
  interaction: InteractionSchema,
  channelId: z.string(),
  /** The public reply's id, so the bot can edit it once the token has expired. */
  originalId: z.string().optional(),
  public: z.boolean(),
});
export type RecapTarget = z.infer<typeof RecapTargetSchema>;

const DONE_IN_DIRECT = '✅ Done: the recap is in your direct messages.';

export function discordRecapKit(calls: DiscordCalls, history: REST): RecapKit {
  let me: Promise<string> | undefined;
  const botId = () => {
    me ??= (history.get(Routes.user()) as Promise<{ id: string }>).then((user) => user.id);
    me.catch(() => {
      me = undefined;
    });
    return me;
  };
  return {
    surface: (job) => recapSurface(calls, RecapTargetSchema.parse(job.target), job),
    reader: (job) => discordReader(history, job.origin.guild, botId),
  };
}

function recapSurface(calls: DiscordCalls, target: RecapTarget, job: ChatJob): ReplySurface<RecapReply> {
  // A recap run again (its worker died) posts nothing twice: the same nonces as a summary's.
  const nonces = jobNonces(job);
  const reply = slashReply(calls, target, nonces);
  const direct = (payload: DiscordPayload, nonce: string): Route => ({
    via: 'direct',
    send: () => calls.direct(job.origin.user, renderDirect(payload, job.origin.channel), nonce),
  });
  const progress = (p: Parameters<ReplySurface['progress']>[0]) => reply.withToken(renderProgress(p));
  if (!target.public) {
    return {
      progress,
      deliver: (recap) => [
        reply.withToken(renderRecap(recap)),
        { ...direct(renderRecap(recap), nonces.summary), tidy: reply.replace(renderText(DONE_IN_DIRECT)) },
      ],
      fail: (error) => [reply.withToken(renderError(error)), direct(renderError(error), nonces.failure)],
    };
  }
  return {
    progress,
    deliver: (recap) => [
      reply.withToken(renderRecap(recap)),
      ...reply.byBot(renderRecap(recap)),
      ...reply.byBot(renderRecapText(recap)),
      {
        via: 'bot',
        send: () => calls.send(target.channelId, renderRecap(recap), nonces.summary),
        tidy: reply.remove,
      },
      { ...direct(renderRecap(recap), nonces.summary), tidy: reply.replace(renderText(DONE_IN_DIRECT)) },
    ],
    fail: (error) => [
      // What went wrong is said privately; the public reply is removed.
      {
        via: 'interaction',
        send: () => calls.followUp(target.interaction, { ...renderError(error), flags: EPHEMERAL }),
        tidy: reply.remove,
      },
      { ...direct(renderError(error), nonces.failure), tidy: reply.remove },
      ...reply.byBot(renderError(error)),
    ],
  };
}
