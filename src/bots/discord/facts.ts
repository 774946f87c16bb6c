import type { Attachment, Message } from 'discord.js';
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
