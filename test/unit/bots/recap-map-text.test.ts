import type { APIMessage } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  BOT_CANNOT_READ,
  mapRecapCommand,
  mapRecapFromHere,
  NOT_IN_GUILD,
  PERSON_CANNOT_READ,
  type RecapPlace,
} from '../../../src/bots/discord/recap-map.js';
import {
  skipOf as discordSkip,
  isBlank,
  plainMentions,
  readableText,
} from '../../../src/bots/discord/recap-text.js';
import { mapRecapShortcut, mapRecapWords, recapWordsOf } from '../../../src/bots/slack/recap-map.js';
import { renderRecap as renderSlackRecap } from '../../../src/bots/slack/recap-render.js';
import { msToTs, plainSlackText, skipOf as slackSkip, tsToMs } from '../../../src/bots/slack/recap-text.js';
import type { RecapReply } from '../../../src/commands/recap.js';

const place: RecapPlace = {
  inGuild: true,
  channelId: 'C1',
  thread: false,
  parentId: undefined,
  personCanRead: true,
  botCanRead: true,
  before: '999',
};

describe('Discord: /recap as a command', () => {
  it('recaps a channel’s last 24 hours and a thread from its start by default, with the parent kept', () => {
    expect(mapRecapCommand({}, place)).toEqual({
      ok: true,
      value: {
        kind: 'recap',
        conversation: { channel: 'C1', before: '999' },
        scope: { kind: 'window', ms: 86_400_000 },
        public: false,
      },
    });
    const inThread = mapRecapCommand(
      { public: true, language: ' German ' },
      { ...place, thread: true, parentId: 'P1' },
    );
    expect(inThread).toMatchObject({
      value: { conversation: { parent: 'P1' }, scope: { kind: 'start' }, public: true, language: 'German' },
    });
  });

  it('checks the place before anything else, in order', () => {
    expect(mapRecapCommand({ window: 'nonsense' }, { ...place, inGuild: false })).toEqual({
      ok: false,
      problem: NOT_IN_GUILD,
    });
    expect(mapRecapCommand({}, { ...place, personCanRead: false, botCanRead: false })).toEqual({
      ok: false,
      problem: PERSON_CANNOT_READ,
    });
    expect(mapRecapFromHere('5', { ...place, botCanRead: false })).toEqual({
      ok: false,
      problem: BOT_CANNOT_READ,
    });
    expect(mapRecapFromHere('5', place)).toMatchObject({
      value: { scope: { kind: 'from', messageId: '5' } },
    });
  });
});

describe('Discord: message text for a recap', () => {
  const names = {
    user: (id: string) => ({ '1': 'Dana' })[id],
    role: (id: string) => ({ '2': 'Mods' })[id],
    channel: (id: string) => ({ '3': 'general' })[id],
  };

  it('makes every mention plain words and keeps what is not a mention', () => {
    expect(
      plainMentions(
        '<@1> <@!1> <@&2> <#3> <@4> <#5> <a:wave:6> </deploy:7> <t:0:R> <https://x.io> a < b > c @everyone @here',
        names,
      ),
    ).toBe(
      '@Dana @Dana @Mods #general @someone #a channel :wave: /deploy 1970-01-01 00:00 UTC https://x.io a < b > c (to everyone) (to everyone online)',
    );
    expect(plainMentions('<<@1>', names)).toBe('<@Dana');
    expect(plainMentions('unclosed <@1', names)).toBe('unclosed <@1');
  });

  const message = (fields: Partial<APIMessage>) =>
    ({
      id: '1',
      type: 0,
      content: '',
      author: { id: 'u', username: 'u', bot: false },
      attachments: [],
      embeds: [],
      ...fields,
    }) as unknown as APIMessage;

  it('reads what a message shows besides its content, and knows a blank one', () => {
    const embed = message({
      author: { id: 'b', bot: true } as APIMessage['author'],
      embeds: [{ title: 'Build', description: 'passed' }],
    });
    expect(readableText(embed, names)).toBe('[embed: Build — passed]');
    expect(isBlank(message({}))).toBe(true);
    expect(isBlank(message({ attachments: [{ id: 'a' } as APIMessage['attachments'][number]] }))).toBe(false);
  });

  it('skips its own messages and system messages, keeps replies and other apps’ commands', () => {
    expect(discordSkip(message({ author: { id: 'me' } as APIMessage['author'] }), 'me')).toBe('bot');
    expect(discordSkip(message({ type: 7 }), 'me')).toBe('system');
    expect([0, 19, 20, 21, 23].map((type) => discordSkip(message({ type }), 'me'))).toEqual(
      Array(5).fill(undefined),
    );
  });
});

describe('Slack: asking for a recap', () => {
  const where = { channel: 'C1', before: '1700000000.000100' };

  it('reads /recap words, and recaps a thread from its start by default', () => {
    expect(mapRecapWords('3d public', where)).toMatchObject({
      value: { scope: { kind: 'window', ms: 259_200_000 }, public: true },
    });
    expect(mapRecapWords('', { ...where, threadTs: '1.000002' })).toMatchObject({
      value: { conversation: { threadTs: '1.000002' }, scope: { kind: 'start' } },
    });
    expect(mapRecapWords('tomorrow', where)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"tomorrow"'),
    });
    expect(mapRecapShortcut({ ts: '5.000001', thread_ts: '4.000001' }, where)).toMatchObject({
      value: { conversation: { threadTs: '4.000001' }, scope: { kind: 'start' }, public: false },
    });
  });

  it('tells a recap mention from a plain one', () => {
    expect(recapWordsOf('<@UBOT> recap since me', 'UBOT')).toBe('since me');
    expect(recapWordsOf('<@UBOT>   RECAP', 'UBOT')).toBe('');
    expect(recapWordsOf('<@UBOT> recapping is fun', 'UBOT')).toBeUndefined();
    expect(recapWordsOf('<@UBOT> summarize this', 'UBOT')).toBeUndefined();
  });
});

describe('Slack: message text for a recap', () => {
  it('makes every mention plain words and unescapes what Slack escaped', () => {
    const names = (id: string) => ({ U1: 'Ana' })[id];
    expect(
      plainSlackText(
        '<@U1> <@U2|ben> <@U3> <#C1|general> <#C2> <!here> <!channel|@channel> <!everyone> <!subteam^S1|@eng> <!subteam^S2> <!date^1^x|today> <mailto:a@b.c|mail> <https://x.io> &lt;b&gt; &amp;',
        names,
      ),
    ).toBe(
      '@Ana @ben @someone #general #a channel (to everyone here) (to the channel) (to everyone) @eng @a group today mail https://x.io <b> &',
    );
  });

  it('skips its own and system messages and keeps what people and other apps wrote', () => {
    const bot = { userId: 'UBOT', botId: 'BBOT' };
    const at = { ts: '1.000001', text: '' };
    expect(slackSkip({ ...at, user: 'UBOT' }, bot)).toBe('bot');
    expect(slackSkip({ ...at, bot_id: 'BBOT', subtype: 'bot_message' }, bot)).toBe('bot');
    expect(slackSkip({ ...at, user: 'U1', subtype: 'channel_join' }, bot)).toBe('system');
    expect(slackSkip({ ...at, bot_id: 'B2', subtype: 'bot_message' }, bot)).toBeUndefined();
    expect(slackSkip({ ...at, user: 'U1', subtype: 'thread_broadcast' }, bot)).toBeUndefined();
  });

  it('turns a ts into milliseconds and back', () => {
    expect(tsToMs('1700000000.123456')).toBe(1_700_000_000_123);
    expect(msToTs(1_700_000_000_123)).toBe('1700000000.123000');
  });
});

describe('Slack: a recap as blocks', () => {
  const reply = (first: string): RecapReply => ({
    title: 'Recap of #general',
    covers: 'in the last 24 hours',
    bullets: [first, 'b', 'c', 'd', 'e'].map((text) => ({
      text,
      sources: [{ at: 0, author: 'Ana', link: 'https://test.slack.com/archives/C1/p1' }],
      more: 0,
    })),
    footer: '1 message by 1 person',
    requestedBy: undefined,
    model: 'llama3.2',
    stats: { chunks: 1, modelCalls: 1, promptTokens: 1, numCtx: 2048, ms: 1000 },
    cached: false,
  });

  it('keeps a bullet that escaping lengthens within its share of a section, no entity cut in half', () => {
    const payload = renderSlackRecap(reply(`R${'&'.repeat(2000)}`));
    const sections = (payload.blocks as { type: string; text?: { text: string } }[]).filter(
      (block) => block.type === 'section',
    );
    const first = sections[0]?.text?.text ?? '';
    const [text = '', link = ''] = first.split(' <');
    expect(text.length).toBeLessThanOrEqual(1200 + 2);
    expect(text).toMatch(/^• R(&amp;)+…$/);
    expect(link).toBe('https://test.slack.com/archives/C1/p1|00:00>');
    expect(payload.text.length).toBeLessThanOrEqual(3000);
    expect(payload.text).toMatch(/(&amp;)+…$/);
  });
});
