import type { Attachment, Message } from 'discord.js';
import type { ChatAsk } from '../../commands/chat-job.js';
import type { Ask, AttachmentRef, MessageFacts } from './map-event.js';

/** discord.js structures read into the plain shapes the pure mapping works on. */
export function attachmentRef(attachment: Attachment | null): AttachmentRef | undefined {
  if (!attachment) return undefined;
  return {
    url: attachment.url,
    name: attachment.name,
    contentType: attachment.contentType ?? undefined,
    size: attachment.size,
  };
}

export function messageFacts(message: Message): MessageFacts {
  return {
    id: message.id,
    content: message.content,
    attachments: [...message.attachments.values()].map(
      (attachment) => attachmentRef(attachment) as AttachmentRef,
    ),
    authorId: message.author.id,
    authorIsBot: message.author.bot,
  };
}

/** What was asked about, in a few words, to name a thread before the title is known. */
export function describeAsk(ask: Ask): string {
  if (ask.kind === 'attachment') return ask.attachment.name;
  if (ask.kind === 'url') return `${ask.url.hostname}${ask.url.pathname === '/' ? '' : ask.url.pathname}`;
  return ask.text.split(/\s+/).slice(0, 8).join(' ');
}

export function chatAsk(ask: Ask): ChatAsk {
  return ask.kind === 'attachment' ? { kind: 'file', file: ask.attachment } : ask;
}
