import type { Attachment, Message } from 'discord.js';
import { z } from 'zod';
import type { SharedFile } from '../../commands/request.js';
import type { MessageFacts } from './map-event.js';

/** discord.js structures read into the plain shapes the pure mapping works on. */
export function attachmentRef(attachment: Attachment | null): SharedFile | undefined {
  if (!attachment) return undefined;
  return {
    url: attachment.url,
    name: attachment.name,
    ...(attachment.contentType ? { contentType: attachment.contentType } : {}),
    size: attachment.size,
  };
}

export function messageFacts(message: Message): MessageFacts {
  return {
    id: message.id,
    content: message.content,
    attachments: [...message.attachments.values()].flatMap((attachment) => attachmentRef(attachment) ?? []),
    authorId: message.author.id,
    authorIsBot: message.author.bot,
  };
}

/**
 * A message as REST gives it (discord-api-docs, Message Object: `attachments[].filename`, `url`,
 * `content_type` optional, `size`; `author.bot` absent for people).
 */
const ApiMessage = z.object({
  id: z.string(),
  content: z.string(),
  attachments: z.array(
    z.object({
      url: z.string(),
      filename: z.string(),
      content_type: z.string().optional(),
      size: z.number(),
    }),
  ),
  author: z.object({ id: z.string(), bot: z.boolean().optional() }),
});

export function apiMessageFacts(raw: unknown): MessageFacts {
  const message = ApiMessage.parse(raw);
  return {
    id: message.id,
    content: message.content,
    attachments: message.attachments.map((attachment) => ({
      url: attachment.url,
      name: attachment.filename,
      ...(attachment.content_type ? { contentType: attachment.content_type } : {}),
      size: attachment.size,
    })),
    authorId: message.author.id,
    authorIsBot: message.author.bot ?? false,
  };
}
