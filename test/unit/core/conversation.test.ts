import { describe, expect, it } from 'vitest';
import { resolveCitations } from '../../../src/core/conversation/citations.js';
import {
  type Conversation,
  type ConversationMessage,
  noneLeftOut,
  type Person,
} from '../../../src/core/conversation/conversation.js';
import { recapFooter } from '../../../src/core/conversation/footer.js';
import { MAX_CODE_LINES, readableMessageText } from '../../../src/core/conversation/message-text.js';
import { describeWindow, parseRecapArguments, parseWindow } from '../../../src/core/conversation/scope.js';
import { transcriptOf } from '../../../src/core/conversation/transcript.js';

const dana: Person = { id: 'U1', name: 'Dana', bot: false };
const sam: Person = { id: 'U2', name: 'Sam', bot: false };
const ana: Person = { id: 'U3', name: 'Ana', bot: false };
const anaLima: Person = { id: 'U4', name: 'Ana Lima', bot: false };
const deploy: Person = { id: 'B1', name: 'Deploybot', bot: true };

const at = (time: string) => Date.parse(`2026-11-30T${time}:00Z`);
let nextId = 0;
const message = (author: Person, time: string, text: string, extra: Partial<ConversationMessage> = {}) =>
  ({ id: `m${++nextId}`, author, at: at(time), text, files: [], ...extra }) as ConversationMessage;

function conversation(messages: ConversationMessage[], leftOut = noneLeftOut()): Conversation {
  return { place: '#general', messages, leftOut };
}

describe('a message as the model reads it', () => {
  it('keeps a short code block and collapses a long one to its line count', () => {
    const short = 'look:\n```\nconst a = 1;\n```';
    expect(readableMessageText(short)).toBe('look: / ``` / const a = 1; / ```');
    const lines = Array.from({ length: MAX_CODE_LINES + 3 }, (_, index) => `line ${index}`);
    expect(readableMessageText(`before\n\`\`\`ts\n${lines.join('\n')}\n\`\`\`\nafter`)).toBe(
      `before / [code: ${MAX_CODE_LINES + 3} lines] / after`,
    );
  });

  it('counts the code on the fence lines, as Slack writes a block, but not a language name', () => {
    const lines = Array.from({ length: MAX_CODE_LINES + 1 }, (_, index) => `step(${index});`);
    expect(readableMessageText(`fix:\n\`\`\`${lines.join('\n')}\`\`\`\nok`)).toBe(
      `fix: / [code: ${MAX_CODE_LINES + 1} lines] / ok`,
    );
    const tagged = ['```ts', ...lines.slice(0, MAX_CODE_LINES), '```'].join('\n');
    expect(readableMessageText(tagged)).toMatch(/^``` ?ts \/ step\(0\);/);
  });

  it('collapses a code block left open at the end of the message', () => {
    const lines = Array.from({ length: 9 }, () => 'x();');
    expect(readableMessageText(`trace:\n\`\`\`\n${lines.join('\n')}`)).toBe('trace: / [code: 9 lines]');
  });

  it('marks quoted lines as a quote, apart from the words of the person quoting', () => {
    expect(readableMessageText('> we ship Friday\n> no matter what\nI disagree')).toBe(
      '[quoting: "we ship Friday / no matter what"] / I disagree',
    );
    expect(readableMessageText('see this\n>>> all of\nthis is quoted')).toBe(
      'see this / [quoting: "all of / this is quoted"]',
    );
  });

  it('names the files a message carries', () => {
    expect(readableMessageText('notes attached', ['minutes.pdf', 'plan\nv2.docx'])).toBe(
      'notes attached / [file: minutes.pdf] / [file: plan v2.docx]',
    );
  });
});

describe('the numbered transcript', () => {
  it('numbers each message with its author and time, marks bots and says which message a reply answers', () => {
    const first = message(dana, '14:03', 'Shall we ship Friday?');
    const reply = message(sam, '14:05', 'Yes, after QA.', { replyTo: first.id });
    const bot = message(deploy, '14:06', 'Build 12 passed');
    const { text, numbered } = transcriptOf(conversation([first, reply, bot]));
    expect(text).toBe(
      [
        '[1] Dana (14:03): Shall we ship Friday?',
        '[2] Sam (14:05, replying to [1]): Yes, after QA.',
        '[3] Deploybot (bot) (14:06): Build 12 passed',
      ].join('\n'),
    );
    expect(numbered.map((m) => m.id)).toEqual([first.id, reply.id, bot.id]);
  });

  it('adds the date when the conversation spans days', () => {
    const { text } = transcriptOf(
      conversation([
        message(dana, '23:50', 'late'),
        { ...message(sam, '00:10', 'early'), at: at('00:10') + 86_400_000 },
      ]),
    );
    expect(text).toBe('[1] Dana (Nov 30 23:50): late\n[2] Sam (Dec 1 00:10): early');
  });
});

describe('citations', () => {
  const chat = transcriptOf(
    conversation([
      message(dana, '09:00', 'We will ship the release on Friday after QA signs off'),
      message(sam, '09:05', 'I will write the release notes tonight'),
      message(ana, '09:10', 'Budget for the offsite is approved'),
      message(anaLima, '09:20', 'Venue booking confirmed for March'),
    ]),
  );

  it('turns the numbers the model wrote into the messages they name, and strips them from the text', () => {
    const [bullet] = resolveCitations(['Dana set the release for Friday after QA [1].'], chat);
    expect(bullet?.text).toBe('Dana set the release for Friday after QA.');
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Dana']);
  });

  it('reads lists and short ranges, each message once, in conversation order', () => {
    const [bullet] = resolveCitations(['Release plan agreed by Dana and Sam [2, 1] [1-2]'], chat);
    expect(bullet?.sources.map((m) => m.id)).toEqual([chat.numbered[0]?.id, chat.numbered[1]?.id]);
    expect(bullet?.text).toBe('Release plan agreed by Dana and Sam');
  });

  it('drops numbers that do not exist, and leaves brackets that are not citations', () => {
    const [bullet] = resolveCitations(['Budget approved [3, 99] [see notes] [0]'], chat);
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Ana']);
    expect(bullet?.text).toBe('Budget approved [see notes]');
  });

  it('keeps a year in brackets that names no message as the text it is', () => {
    const [bullet] = resolveCitations(['Budget as in [2024] approved [3] [1999, 3]'], chat);
    expect(bullet?.text).toBe('Budget as in [2024] approved');
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Ana']);
  });

  it("adds the named person's own message when the bullet cites only someone else", () => {
    const [bullet] = resolveCitations(['Sam will write the release notes tonight [1]'], chat);
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Dana', 'Sam']);
    expect(bullet?.text).toBe('Sam will write the release notes tonight');
  });

  it('does not put words in the mouth of a person who wrote nothing like it', () => {
    const [bullet] = resolveCitations(['Sam approved the offsite budget [3]'], chat);
    expect(bullet?.text).toBe('someone approved the offsite budget');
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Ana']);
  });

  it('keeps a name that the cited message itself names', () => {
    const named = transcriptOf(
      conversation([
        message(dana, '09:00', 'Sam owns the release notes from now on'),
        message(sam, '09:05', 'ok'),
      ]),
    );
    const [bullet] = resolveCitations(['Sam owns the release notes [1]'], named);
    expect(bullet?.text).toBe('Sam owns the release notes');
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Dana']);
  });

  it('tells a full name from a shorter one inside it', () => {
    const [bullet] = resolveCitations(['Ana Lima confirmed the venue for March [4]'], chat);
    expect(bullet?.text).toBe('Ana Lima confirmed the venue for March');
    expect(bullet?.sources.map((m) => m.author.name)).toEqual(['Ana Lima']);
  });
});

describe('the footer', () => {
  it('counts messages, people and the time span, and says what was left out', () => {
    const chat = conversation(
      [message(dana, '09:12', 'a'), message(sam, '12:00', 'b'), message(dana, '17:40', 'c')],
      { ...noneLeftOut(), botMessages: 12, beyondLimit: 37 },
    );
    expect(recapFooter(chat)).toBe(
      '3 messages by 2 people, 09:12–17:40 UTC; 12 bot messages skipped; 37 older messages beyond the limit',
    );
  });

  it('counts other apps apart from people', () => {
    const app: Person = { id: 'B1', name: 'deploybot', bot: true };
    const chat = (authors: Person[]) =>
      conversation(
        authors.map((author, i) => message(author, `09:1${i}`, 'x')),
        noneLeftOut(),
      );
    expect(recapFooter(chat([dana, app, sam]))).toMatch(/^3 messages by 2 people and 1 app, /);
    expect(recapFooter(chat([app]))).toMatch(/^1 message by 1 app, /);
  });

  it('says when reading was cut short and when the messages span days', () => {
    const chat = conversation(
      [message(dana, '09:00', 'a'), { ...message(dana, '10:00', 'b'), at: at('10:00') + 2 * 86_400_000 }],
      { ...noneLeftOut(), cutByRateLimit: true },
    );
    expect(recapFooter(chat)).toBe(
      "2 messages by 1 person, Nov 30 09:00 – Dec 2 10:00 UTC; reading was cut short by the platform's rate limit",
    );
  });
});

describe('what a recap covers', () => {
  it.each([
    ['2h', 2 * 3_600_000],
    ['24h', 24 * 3_600_000],
    ['3d', 3 * 86_400_000],
    ['90min', 90 * 60_000],
    ['1 week', 604_800_000],
  ])('reads the window %s', (text, ms) => {
    expect(parseWindow(text)).toBe(ms);
  });

  it.each(['0h', 'yesterday', '3x', '', '-2h'])('refuses the window %j', (text) => {
    expect(parseWindow(text)).toBeUndefined();
  });

  it('reads /recap arguments in any order', () => {
    expect(parseRecapArguments('')).toEqual({ scope: undefined, public: false });
    expect(parseRecapArguments('3d public')).toEqual({
      scope: { kind: 'window', ms: 3 * 86_400_000 },
      public: true,
    });
    expect(parseRecapArguments('public last 200')).toEqual({
      scope: { kind: 'last', count: 200 },
      public: true,
    });
    expect(parseRecapArguments('since me')).toEqual({ scope: { kind: 'since-me' }, public: false });
    expect(parseRecapArguments('24 hours')).toEqual({
      scope: { kind: 'window', ms: 86_400_000 },
      public: false,
    });
  });

  it('says what it did not understand, and refuses two scopes at once', () => {
    expect(parseRecapArguments('yesterday')).toMatchObject({
      problem: expect.stringContaining('"yesterday"'),
    });
    expect(parseRecapArguments('24h last 10')).toMatchObject({
      problem: expect.stringContaining('not several'),
    });
  });

  it('describes a window as people say it', () => {
    expect(describeWindow(86_400_000)).toBe('24 hours');
    expect(describeWindow(3 * 86_400_000)).toBe('3 days');
    expect(describeWindow(2 * 3_600_000)).toBe('2 hours');
    expect(describeWindow(90 * 60_000)).toBe('90 minutes');
  });
});
