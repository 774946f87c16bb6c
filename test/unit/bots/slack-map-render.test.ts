import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/bots/slack/bolt-logger.js';
import {
  askFromMessage,
  DIRECT_USAGE,
  mapCommand,
  mapDirectMessage,
  mapMention,
  plainText,
  slackLinks,
} from '../../../src/bots/slack/map-event.js';
import { escapeMrkdwn, LIMITS, renderParentDone, renderSummary } from '../../../src/bots/slack/render.js';
import type { SummaryReply } from '../../../src/commands/summarize.js';
import { collectingLogger } from '../../helpers/logs.js';

describe('slackLinks', () => {
  it('reads <url>, <url|label> and plain links, and ignores mentions', () => {
    const text =
      'see <https://a.example/x?y=1&amp;z=2|the report> and <https://b.example/> or https://c.example/d. <@U123> <#C123|general> <!here>';
    expect(slackLinks(text).map(String)).toEqual([
      'https://a.example/x?y=1&z=2',
      'https://b.example/',
      'https://c.example/d',
    ]);
  });
});

describe('mapping Slack requests', () => {
  const summarize = (ask: unknown) => ({ ok: true, value: { kind: 'summarize', ask } });

  it('reads a slash command as a link or as text, and explains an empty one', () => {
    expect(mapCommand('<https://youtu.be/dQw4w9WgXcQ>')).toEqual(
      summarize({ kind: 'url', url: 'https://youtu.be/dQw4w9WgXcQ' }),
    );
    expect(mapCommand('https://youtu.be/dQw4w9WgXcQ')).toMatchObject({
      ok: true,
      value: { ask: { kind: 'url' } },
    });
    expect(mapCommand('Budget &amp; hiring notes')).toEqual(
      summarize({ kind: 'text', text: 'Budget & hiring notes' }),
    );
    expect(mapCommand('  ')).toMatchObject({ ok: false, problem: expect.stringContaining('Usage') });
  });

  it("takes a message's file first, then its link, then its text", () => {
    const file = { id: 'F1', name: 'a.vtt' };
    expect(askFromMessage({ ts: '1', text: '<https://a.example>', files: [file] })).toEqual({
      kind: 'file',
      file: { id: 'F1', name: 'a.vtt' },
    });
    expect(askFromMessage({ ts: '1', text: 'read <https://a.example|this>' })).toMatchObject({ kind: 'url' });
    expect(askFromMessage({ ts: '1', text: 'just words' })).toEqual({ kind: 'text', text: 'just words' });
  });

  it('summarizes the thread parent when a mention in a thread has nothing of its own', () => {
    expect(mapMention({ ts: '2', thread_ts: '1', text: '<@UBOT> tl;dr' }, 'C1', 'UBOT')).toEqual(
      summarize({ kind: 'message', channel: 'C1', id: '1' }),
    );
    expect(
      mapMention({ ts: '2', thread_ts: '1', text: '<@UBOT> <https://a.example>' }, 'C1', 'UBOT'),
    ).toMatchObject({ ok: true, value: { ask: { kind: 'url' } } });
    expect(mapMention({ ts: '1', text: '<@UBOT> hi' }, 'C1', 'UBOT')).toMatchObject({ ok: false });
  });

  it('never answers a mention written by a bot, another app or itself', () => {
    const text = '<@UBOT> <https://a.example>';
    expect(mapMention({ ts: '1', text, bot_id: 'B9', user: 'U9' }, 'C1', 'UBOT')).toBeUndefined();
    expect(mapMention({ ts: '1', text, subtype: 'bot_message' }, 'C1', 'UBOT')).toBeUndefined();
    expect(mapMention({ ts: '1', text, user: 'UBOT' }, 'C1', 'UBOT')).toBeUndefined();
    expect(mapMention({ ts: '1', text, user: 'U9' }, 'C1', 'UBOT')).toMatchObject({ ok: true });
  });

  it('summarizes a link or a file sent in a direct message, and says how to ask for anything else', () => {
    const im = { channel_type: 'im', ts: '1.000100', user: 'U2' };
    expect(mapDirectMessage({ ...im, text: 'please <https://a.example/post>' }, 'UBOT')).toEqual(
      summarize({ kind: 'url', url: 'https://a.example/post' }),
    );
    expect(
      mapDirectMessage({ ...im, subtype: 'file_share', files: [{ id: 'F1', name: 'notes.txt' }] }, 'UBOT'),
    ).toEqual(summarize({ kind: 'file', file: { id: 'F1', name: 'notes.txt' } }));
    expect(mapDirectMessage({ ...im, text: 'hello' }, 'UBOT')).toEqual({ ok: false, problem: DIRECT_USAGE });
    // A reply under a summary ("thanks") is not a request.
    expect(mapDirectMessage({ ...im, text: 'thanks', thread_ts: '1.000000' }, 'UBOT')).toBeUndefined();
  });

  it('leaves alone what is not a person’s new message in a direct message', () => {
    const link = { ts: '1.000100', user: 'U2', text: '<https://a.example/post>' };
    expect(mapDirectMessage({ ...link, channel_type: 'channel' }, 'UBOT')).toBeUndefined();
    expect(
      mapDirectMessage({ ...link, channel_type: 'im', subtype: 'message_changed' }, 'UBOT'),
    ).toBeUndefined();
    expect(mapDirectMessage({ ...link, channel_type: 'im', bot_id: 'B1' }, 'UBOT')).toBeUndefined();
    expect(mapDirectMessage({ ...link, channel_type: 'im', user: 'UBOT' }, 'UBOT')).toBeUndefined();
  });

  it('reads Slack markup as people see it', () => {
    expect(plainText('<https://a.example|A> &lt;b&gt; &amp;')).toBe('A <b> &');
  });

  it('scans no more of a message than Slack keeps (40,000 characters)', () => {
    const beyond = `${'word '.repeat(8000)} https://late.example/x`;
    expect(slackLinks(beyond)).toEqual([]);
    expect(slackLinks(`https://early.example/y ${beyond}`).map(String)).toEqual(['https://early.example/y']);
  });
});

describe('rendering for Slack', () => {
  const reply: SummaryReply = {
    title: 'A <!channel> title',
    bullets: ['<!here> one & two', 'Two.', 'Three.', 'Four.', 'x'.repeat(5000)],
    model: 'llama3.2',
    stats: { chunks: 1, modelCalls: 1, promptTokens: 10, numCtx: 2048, ms: 900 },
    cached: true,
    source: { kind: 'url', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' },
    moments: [61_000, undefined, undefined, undefined, undefined],
  };

  it('escapes model text everywhere, links moments, and stays within block limits', () => {
    const payload = renderSummary(reply);
    const [header, section, context] = payload.blocks as {
      text?: { text: string };
      elements?: { text: string }[];
    }[];
    // Only plain_text (never parsed for mentions) carries the title as written; mrkdwn is escaped.
    expect(JSON.stringify([section, context, payload.text])).not.toMatch(/<!channel>|<!here>/);
    expect(header?.text?.text).toBe('A <!channel> title'); // plain_text is never parsed for mentions
    expect(section?.text?.text.split('\n')[0]).toBe(
      '• &lt;!here&gt; one &amp; two (<https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=61s|1:01>)',
    );
    expect(section?.text?.text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(context?.elements?.[0]?.text).toMatch(/llama3\.2 · 1 s · from cache$/);
    expect(payload.text).toContain('&lt;!here&gt;');
  });

  it('shows each bullet and the title as one plain line: no headings, quotes or hidden characters', () => {
    const sneaky = 'Budget\n# approved\n> quoted\u202Etxt.exe\u200B done';
    const payload = renderSummary({
      ...reply,
      title: 'Title\n# Big',
      bullets: [sneaky, 'Two.', 'Three.', 'Four.', 'Five.'],
    });
    const [header, section] = payload.blocks as { text?: { text: string } }[];
    expect(header?.text?.text).toBe('Title # Big');
    expect(section?.text?.text.split('\n')).toEqual([
      '• Budget # approved &gt; quotedtxt.exe done (<https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=61s|1:01>)',
      '• Two.',
      '• Three.',
      '• Four.',
      '• Five.',
    ]);
    expect(payload.text.split('\n')).toHaveLength(6);
    expect(renderParentDone({ ...reply, title: 'Title\n# Big\u202E' }).text).toBe(
      ':memo: Summary of *Title # Big*: five bullets in the thread.',
    );
  });

  it('escapes the three markup characters', () => {
    expect(escapeMrkdwn('<@U1> & <!everyone>')).toBe('&lt;@U1&gt; &amp; &lt;!everyone&gt;');
  });
});

describe("Bolt's log lines", () => {
  it('writes a warning Slack’s clients repeat (a connection retried for minutes) once, then only at debug', () => {
    const lines: string[] = [];
    let now = 0;
    const logger = boltLogger(collectingLogger(lines), () => now);
    logger.setName('socket-mode');
    logger.warn('http request failed', 'connect ECONNREFUSED');
    now += 60_000;
    logger.warn('http request failed', 'connect ECONNREFUSED');
    logger.error(new Error('Failed to retrieve a new WSS URL'));
    now += 11 * 60_000;
    logger.warn('http request failed', 'connect ECONNREFUSED');
    expect(lines).toEqual([
      'warn socket-mode: http request failed connect ECONNREFUSED',
      'debug socket-mode: http request failed connect ECONNREFUSED (again)',
      'error socket-mode: Error: Failed to retrieve a new WSS URL',
      'warn socket-mode: http request failed connect ECONNREFUSED',
    ]);
  });
});
