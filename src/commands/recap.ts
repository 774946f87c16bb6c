/**
 * The conversation recap, platform-neutral: read the conversation through the platform's reader (REST
 * only, so a worker with no gateway can run it), number it, summarize it with the recap prompts through
 * the same map-reduce as documents (never cached: a deleted message must not come back), then turn the
 * numbers the model cited into links. Nothing read outlives the request.
 */
import type { Recap } from '../app.js';
import { type CitedBullet, resolveCitations } from '../core/conversation/citations.js';
import type { Conversation, ConversationMessage } from '../core/conversation/conversation.js';
import { recapFooter } from '../core/conversation/footer.js';
import { RECAP_PROMPTS } from '../core/conversation/prompts.js';
import { HistoryWindow, planRead } from '../core/conversation/read-plan.js';
import { describeEmpty, describeScope, type RecapLimits } from '../core/conversation/scope.js';
import { transcriptOf } from '../core/conversation/transcript.js';
import { RecapError } from '../core/errors.js';
import type { Progress, SummaryResult } from '../core/types.js';
import type { ChatJob, ConversationRef, RecapCommand } from './request.js';
import type { ReplySurface } from './surface.js';

/** What a reader is asked to read. */
export interface RecapRequest {
  conversation: ConversationRef;
  scope: RecapCommand['scope'];
  limits: RecapLimits;
  /** When the person asked (ms): windows are counted back from it. */
  anchorMs: number;
  /** Who asked: `since me` stops at their last message. */
  requester: string;
}

/** A platform's way of reading a conversation, by REST alone. */
export interface ConversationReader {
  /**
   * The conversation within the request's plan, people named, mentions as plain text, oldest first.
   * `onProgress` hears how many messages were read so far.
   */
  read(
    request: RecapRequest,
    run: { signal: AbortSignal; onProgress(read: number): void },
  ): Promise<Conversation>;
  /** Links that open these messages (jump URLs, permalinks); a message it cannot link is left out. */
  links(messages: readonly ConversationMessage[], signal: AbortSignal): Promise<Map<string, string>>;
  /** The name people see for a person, for "requested by". */
  nameOf(userId: string, signal: AbortSignal): Promise<string>;
}

/** One bullet as shown: its text, and the messages it rests on (when, who, and a link when there is one). */
export interface RecapBullet {
  text: string;
  sources: { at: number; author: string; link: string | undefined }[];
  /** Cited messages beyond those shown. */
  more: number;
}

/** What every platform renders for a recap. */
export interface RecapReply extends Omit<SummaryResult, 'bullets' | 'title'> {
  /** "Recap of #general". */
  title: string;
  /** "in the last 24 hours". */
  covers: string;
  bullets: RecapBullet[];
  /** What was read and left out: "143 messages by 9 people, 09:12–17:40 UTC; …". */
  footer: string;
  /** Set for a public recap. */
  requestedBy: { id: string; name: string } | undefined;
}

/** Where a platform shows recaps, and how it reads conversations. */
export interface RecapKit {
  /** Where the recap answers; `rerun` as in PlatformKit.surface. */
  surface(job: ChatJob, run?: { rerun: boolean }): ReplySurface<RecapReply>;
  /** A reader for one request (it keeps the names it resolved for that request only). */
  reader(job: ChatJob): ConversationReader;
}

/** Links shown per bullet; more cited messages are counted. */
export const MAX_LINKS_PER_BULLET = 3;

export interface RecapRun {
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
  limits: RecapLimits;
  origin: { user: string; receivedAt: number };
}

export async function runRecap(
  command: RecapCommand,
  reader: ConversationReader,
  recap: Pick<Recap, 'service'>,
  run: RecapRun,
): Promise<RecapReply> {
  const { signal, onProgress } = run;
  onProgress({ stage: 'reading' });
  const conversation = await reader.read(
    {
      conversation: command.conversation,
      scope: command.scope,
      limits: run.limits,
      anchorMs: run.origin.receivedAt,
      requester: run.origin.user,
    },
    { signal, onProgress: (read) => onProgress({ stage: 'reading', messages: read }) },
  );
  if (conversation.messages.length === 0) throw emptyRecap(command, conversation, run.limits);
  const transcript = transcriptOf(conversation);
  const title = `Recap of ${conversation.place}`;
  const result = await recap.service.summarize(
    { title, text: transcript.text, source: { kind: 'text', label: conversation.place } },
    {
      signal,
      onProgress,
      prompts: RECAP_PROMPTS,
      cacheable: false,
      ...(command.language ? { language: command.language } : {}),
    },
  );
  return {
    title,
    covers: describeScope(command.scope),
    bullets: await linked(resolveCitations(result.bullets, transcript), reader, signal),
    footer: recapFooter(conversation),
    model: result.model,
    stats: result.stats,
    cached: result.cached,
    requestedBy: command.public
      ? { id: run.origin.user, name: await reader.nameOf(run.origin.user, signal) }
      : undefined,
  };
}

/** Each bullet with links to the first messages it cites; the rest are counted. */
async function linked(
  cited: readonly CitedBullet[],
  reader: ConversationReader,
  signal: AbortSignal,
): Promise<RecapBullet[]> {
  const shown = cited.map((bullet) => bullet.sources.slice(0, MAX_LINKS_PER_BULLET));
  const links = await reader.links([...new Set(shown.flat())], signal);
  return cited.map((bullet, index) => ({
    text: bullet.text,
    sources: (shown[index] ?? []).map((message) => ({
      at: message.at,
      author: message.author.name,
      link: links.get(message.id),
    })),
    more: Math.max(0, bullet.sources.length - MAX_LINKS_PER_BULLET),
  }));
}

/** The window a reader offers a request's history to; `timeOf` reads a message's time from its id. */
export function windowFor<T>(request: RecapRequest, timeOf: (messageId: string) => number): HistoryWindow<T> {
  const { scope } = request;
  return new HistoryWindow<T>(
    planRead(scope, request.limits, {
      anchorMs: request.anchorMs,
      requester: request.requester,
      fromMs: scope.kind === 'from' ? timeOf(scope.messageId) : undefined,
    }),
  );
}

function emptyRecap(command: RecapCommand, conversation: Conversation, limits: RecapLimits): RecapError {
  const { botMessages, systemMessages } = conversation.leftOut;
  const skipped = botMessages + systemMessages;
  const empty = describeEmpty(command.scope, limits.maxWindowMs).replace(/\.$/, '');
  const note =
    skipped > 0 ? ` (only ${skipped} of recap’s own or system messages, which recaps leave out)` : '';
  return new RecapError('nothing_to_recap', `${empty}${note}.`);
}
