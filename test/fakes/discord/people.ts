/**
 * What people do in the fake Discord: post a message (stored, then MESSAGE_CREATE with the author's
 * `member`, as gateway-events.mdx "Message Create" adds for guild messages) and invoke a chat-input
 * command (an APPLICATION_COMMAND interaction's `data`: options typed STRING 3, INTEGER 4, BOOLEAN 5,
 * ATTACHMENT 11 with the file under `resolved.attachments`; interactions/application-commands.mdx,
 * "Application Command Option Type").
 */
import type { Context } from './context.js';
import { messageObject } from './objects.js';
import { mentionedUsers } from './seed.js';
import { nextSnowflake } from './snowflake.js';
import type { FakeUser, Json } from './world.js';

export interface PostedMessage {
  content: string;
  author?: FakeUser;
  attachments?: Json[];
  replyTo?: string;
  /**
   * Sends the reply without `referenced_message`, as Discord does when its "backend did not attempt to
   * fetch the message that was being replied to" (discord-api-docs resources/message.mdx, Message Object).
   */
  withoutReferenced?: boolean;
  channelId?: string;
}

export function postedMessage(
  ctx: Context,
  fields: PostedMessage & { channelId: string; author: FakeUser },
): Json {
  const message = messageObject(ctx.world, {
    channelId: fields.channelId,
    author: fields.author,
    content: fields.content,
    ...(fields.attachments ? { attachments: fields.attachments } : {}),
    ...(fields.replyTo ? { reference: fields.replyTo } : {}),
  });
  message.mentions = mentionedUsers(ctx, fields.content);
  const { referenced_message: _omitted, ...withoutReferenced } = message;
  ctx.dispatchMessage('MESSAGE_CREATE', fields.withoutReferenced ? withoutReferenced : message);
  return message;
}

/** A command option's value; an object is an attachment. */
export type OptionValues = Record<string, string | number | boolean | Json | undefined>;

export function commandData(name: string, values: OptionValues): Json {
  const options: Json[] = [];
  const attachments: Json = {};
  for (const [option, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (typeof value === 'object') {
      attachments[String(value.id)] = value;
      options.push({ name: option, type: 11, value: value.id });
    } else {
      const type = typeof value === 'string' ? 3 : typeof value === 'number' ? 4 : 5;
      options.push({ name: option, type, value });
    }
  }
  const resolved = Object.keys(attachments).length ? { resolved: { attachments } } : {};
  return { id: nextSnowflake(), name, type: 1, options, ...resolved };
}
