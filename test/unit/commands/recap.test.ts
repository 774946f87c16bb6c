import { describe, expect, it } from 'vitest';
import { type ConversationReader, type RecapRequest, runRecap } from '../../../src/commands/recap.js';
import { CHANNEL_REFUSED, PUBLIC_REFUSED, recapRefusal } from '../../../src/commands/recap-policy.js';
import type { RecapCommand } from '../../../src/commands/request.js';
import {
  type Conversation,
  type ConversationMessage,
  noneLeftOut,
  type Person,
} from '../../../src/core/conversation/conversation.js';
import { RECAP_PROMPTS } from '../../../src/core/conversation/prompts.js';
import { isRecapError } from '../../../src/core/errors.js';
import { JobQueue } from '../../../src/core/queue.js';
import { RecapService } from '../../../src/core/service.js';
import type { Summarizer } from '../../../src/core/summarize/summarizer.js';
import type { Document, Progress } from '../../../src/core/types.js';

const dana: Person = { id: 'U1', name: 'Dana', bot: false };
const sam: Person = { id: 'U2', name: 'Sam', bot: false };
const T0 = Date.parse('2026-11-30T09:00:00Z');
const messages: ConversationMessage[] = [
  { id: 'm1', author: dana, at: T0, text: 'We ship the release on Friday after QA', files: [] },
  { id: 'm2', author: sam, at: T0 + 60_000, text: 'I will write the release notes', files: [] },
  { id: 'm3', author: dana, at: T0 + 120_000, text: 'Budget question still open', files: [] },
  { id: 'm4', author: sam, at: T0 + 180_000, text: 'Venue booked', files: [] },
];

/** A reader over a fixed conversation, recording what it was asked. */
function readerOf(conversation: Conversation, asked: RecapRequest[] = []): ConversationReader {
  return {
    async read(request, run) {
      asked.push(request);
      run.onProgress(conversation.messages.length);
      return conversation;
    },
    links: async (cited) => new Map(cited.map((m) => [m.id, `https://chat.example/${m.id}`])),
    nameOf: async (id) => (id === dana.id ? 'Dana' : 'someone'),
  };
}

/** The service over a summarizer that answers with fixed bullets and records what it was given. */
function serviceAnswering(bullets: string[]) {
  const seen: { document: Document; prompts: unknown }[] = [];
  const summarizer: Summarizer = {
    async summarize(document, run) {
      seen.push({ document, prompts: run.prompts });
      return {
        summary: { bullets },
        stats: { chunks: 1, modelCalls: 1, promptTokens: 10, numCtx: 2048, ms: 5 },
      };
    },
  };
  const service = new RecapService({
    summarizer,
    model: 'llama3.2',
    queue: new JobQueue({ concurrency: 1, maxWaiting: 5 }),
    cacheBytes: 1_000_000,
  });
  return { service, seen };
}

const command = (extra: Partial<RecapCommand> = {}): RecapCommand => ({
  kind: 'recap',
  conversation: { channel: 'C1' },
  scope: { kind: 'window', ms: 86_400_000 },
  public: false,
  ...extra,
});

const limits = { maxMessages: 1000, maxWindowMs: 7 * 86_400_000 };
const origin = { user: dana.id, receivedAt: T0 + 3_600_000 };

function run(progress: Progress[] = []) {
  return {
    signal: new AbortController().signal,
    onProgress: (p: Progress) => progress.push(p),
    limits,
    origin,
  };
}

describe('runRecap', () => {
  const chat: Conversation = { place: '#general', messages, leftOut: noneLeftOut() };
  const bullets = [
    'Dana set the release for Friday after QA [1].',
    'Sam will write the release notes [2, 77].',
    'The budget question is still open [3].',
    'Sam booked the venue [4].',
    'Dana and Sam discussed everything [1, 2, 3, 4].',
  ];

  it('reads with the request’s anchor and person, numbers the messages and asks with the recap prompts, uncached', async () => {
    const { service, seen } = serviceAnswering(bullets);
    const asked: RecapRequest[] = [];
    const progress: Progress[] = [];
    await runRecap(command(), readerOf(chat, asked), { service }, run(progress));
    await runRecap(command(), readerOf(chat, asked), { service }, run());
    expect(asked[0]).toMatchObject({ anchorMs: origin.receivedAt, requester: dana.id, limits });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.prompts).toBe(RECAP_PROMPTS);
    expect(seen[0]?.document.title).toBe('Recap of #general');
    expect(seen[0]?.document.text.split('\n')[1]).toBe('[2] Sam (09:01): I will write the release notes');
    expect(progress.slice(0, 2)).toEqual([{ stage: 'reading' }, { stage: 'reading', messages: 4 }]);
  });

  it('links each bullet to the messages it cites, drops invented numbers, shows at most three and counts the rest', async () => {
    const { service } = serviceAnswering(bullets);
    const reply = await runRecap(command(), readerOf(chat), { service }, run());
    expect(reply.bullets[1]).toEqual({
      text: 'Sam will write the release notes.',
      sources: [{ at: T0 + 60_000, author: 'Sam', link: 'https://chat.example/m2' }],
      more: 0,
    });
    expect(reply.bullets[4]?.sources.map((s) => s.link)).toEqual([
      'https://chat.example/m1',
      'https://chat.example/m2',
      'https://chat.example/m3',
    ]);
    expect(reply.bullets[4]?.more).toBe(1);
    expect(reply.footer).toBe('4 messages by 2 people, 09:00–09:03 UTC');
    expect(reply.covers).toBe('in the last 24 hours');
    expect(reply.requestedBy).toBeUndefined();
  });

  it('names who asked for a public recap', async () => {
    const { service } = serviceAnswering(bullets);
    const reply = await runRecap(command({ public: true }), readerOf(chat), { service }, run());
    expect(reply.requestedBy).toEqual({ id: dana.id, name: 'Dana' });
  });

  it('says there is nothing to recap, and what it skipped, without calling the model', async () => {
    const { service, seen } = serviceAnswering(bullets);
    const empty = { place: '#general', messages: [], leftOut: { ...noneLeftOut(), botMessages: 2 } };
    const error = await runRecap(command(), readerOf(empty), { service }, run()).catch((e: unknown) => e);
    expect(isRecapError(error) && error.code).toBe('nothing_to_recap');
    expect(isRecapError(error) && error.userMessage).toBe(
      'No messages in the last 24 hours here (only 2 of recap’s own or system messages, which recaps leave out).',
    );
    expect(seen).toHaveLength(0);
  });
});

describe('the recap policy', () => {
  const policy = { publicAllowed: false, denyChannels: new Set(['C9', 'P1']) };

  it('refuses a deny-listed channel, a thread of one, and public recaps where they are off', () => {
    expect(recapRefusal(command({ conversation: { channel: 'C9' } }), policy)).toBe(CHANNEL_REFUSED);
    expect(recapRefusal(command({ conversation: { channel: 'T1', parent: 'P1' } }), policy)).toBe(
      CHANNEL_REFUSED,
    );
    expect(recapRefusal(command({ public: true }), policy)).toBe(PUBLIC_REFUSED);
    expect(recapRefusal(command(), policy)).toBeUndefined();
    expect(recapRefusal(command({ public: true }), { ...policy, publicAllowed: true })).toBeUndefined();
  });

  it('leaves summaries alone', () => {
    const summarize = { kind: 'summarize' as const, ask: { kind: 'text' as const, text: 'x' } };
    expect(recapRefusal(summarize, { ...policy, denyChannels: new Set(['C1']) })).toBeUndefined();
  });
});
