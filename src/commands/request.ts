/**
 * The contracts of a chat request, from what a person asked to the job that answers them. A job is plain
 * JSON (parsed back with `ChatJobSchema`), so it can be handed to another process and run there.
 */
import { z } from 'zod';
import { RecapScopeSchema } from '../core/conversation/scope.js';
import { plainOneLine } from '../core/text.js';

export const PLATFORMS = ['discord', 'slack'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A file shared in chat, as the platform describes it; the platform's reader fetches it, by its rules. */
export const SharedFileSchema = z.object({
  name: z.string(),
  /** The platform's id for it, when the download address must be looked up (Slack). */
  id: z.string().optional(),
  url: z.string().optional(),
  contentType: z.string().optional(),
  size: z.number().optional(),
});
export type SharedFile = z.infer<typeof SharedFileSchema>;

/** What a person asked to summarize: the one Ask of recap, for every platform. */
export const AskSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  /** A web link, as its href. */
  z.object({ kind: z.literal('url'), url: z.string() }),
  z.object({ kind: z.literal('file'), file: SharedFileSchema }),
  /** A message to read first (a Slack thread's parent): whatever it holds is summarized. */
  z.object({ kind: z.literal('message'), channel: z.string(), id: z.string() }),
]);
export type Ask = z.infer<typeof AskSchema>;

/**
 * The conversation a recap reads, by ids only: a job may wait in a queue (Redis), so it never holds
 * message text, and the text read when it runs is dropped with the request.
 */
export const ConversationRefSchema = z.object({
  /** The Discord channel or thread; the Slack channel. */
  channel: z.string(),
  /** A Slack thread: its parent's ts. */
  threadTs: z.string().optional(),
  /** A Discord thread's parent channel (a deny-listed channel's threads are refused too). */
  parent: z.string().optional(),
  /** Only messages older than this one are read (Discord: the interaction's id; Slack: a ts). */
  before: z.string().optional(),
});
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

/** The commands a chat request can run: summarize what was shared, or recap the conversation itself. */
export const CommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('summarize'), ask: AskSchema, language: z.string().optional() }),
  z.object({
    kind: z.literal('recap'),
    conversation: ConversationRefSchema,
    scope: RecapScopeSchema,
    /** Posted for everyone, with who asked; private to the requester otherwise. */
    public: z.boolean(),
    language: z.string().optional(),
  }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type SummarizeCommand = Extract<Command, { kind: 'summarize' }>;
export type RecapCommand = Extract<Command, { kind: 'recap' }>;

/** Who asked, where, and the platform's own id for the request (it names the job and every log line). */
export const OriginSchema = z.object({
  /** Discord's interaction or message id; Slack's event_id, or trigger_id for commands and shortcuts. */
  requestId: z.string(),
  platform: z.enum(PLATFORMS),
  /** The Discord guild or the Slack team; absent in a Discord direct message. */
  guild: z.string().optional(),
  channel: z.string(),
  user: z.string(),
  receivedAt: z.number(),
});
export type Origin = z.infer<typeof OriginSchema>;

/** A request accepted and ready to run: what to do, for whom, and where to answer. */
export const ChatJobSchema = z.object({
  version: z.literal(1),
  origin: OriginSchema,
  command: CommandSchema,
  /** Where the answer goes, as the platform's reply target (its own schema parses it). */
  target: z.unknown(),
});
export type ChatJob = z.infer<typeof ChatJobSchema>;

/** What was asked about, in a few words: a thread's name or a placeholder's text before the title is known. */
export function describeAsk(ask: Ask): string {
  switch (ask.kind) {
    case 'url': {
      const url = new URL(ask.url);
      return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    }
    case 'file':
      return plainOneLine(ask.file.name, 100);
    case 'text':
      return `“${plainOneLine(ask.text, 60)}”`;
    case 'message':
      return 'the message that starts this thread';
  }
}

/** A pure mapping's result: the value, or what to tell the person instead. */
export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The fields every log line about this request carries. */
export function originFields(origin: Origin): Record<string, string | undefined> {
  return {
    platform: origin.platform,
    request: origin.requestId,
    guild: origin.guild,
    channel: origin.channel,
    user: origin.user,
  };
}
