import { describe, expect, it } from 'vitest';
import { type MentionFacts, mapMention, mapSlashCommand } from '../../../src/bots/discord/map-event.js';
import {
  escapeMarkdown,
  LIMITS,
  renderSummary,
  renderSummaryText,
  renderThreadHeader,
  threadName,
} from '../../../src/bots/discord/render.js';
import type { SummaryReply } from '../../../src/commands/summarize.js';

const BOT = '42';
const message = (content: string, extra: Partial<MentionFacts> = {}): MentionFacts => ({
  id: '1',
  content,
  attachments: [],
  authorId: '7',
  authorIsBot: false,
  ...extra,
});
const file = { url: 'https://cdn.example/a.vtt', name: 'a.vtt' };

describe('mapSlashCommand', () => {
  it('prefers the file, then the link, then the text', () => {
    expect(mapSlashCommand({ file, link: 'https://a.example', text: 'x' })).toMatchObject({
      ok: true,
      value: { kind: 'summarize', ask: { kind: 'file', file } },
    });
    expect(mapSlashCommand({ link: '<https://a.example/x>', text: 'x' })).toMatchObject({
      ok: true,
      value: { ask: { kind: 'url' } },
    });
    expect(mapSlashCommand({ text: 'plain words' })).toMatchObject({
      ok: true,
      value: { ask: { kind: 'text', text: 'plain words' } },
    });
  });

  it('takes a lone link pasted as text for a link', () => {
    const mapped = mapSlashCommand({ text: 'https://youtu.be/dQw4w9WgXcQ' });
    expect(mapped.ok && mapped.value.ask.kind).toBe('url');
  });

  it('keeps the language, and explains when nothing was given', () => {
    expect(mapSlashCommand({ text: 'x', language: ' German ' })).toMatchObject({
      ok: true,
      value: { language: 'German' },
    });
    expect(mapSlashCommand({ text: '  ' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('`link`'),
    });
    expect(mapSlashCommand({ link: 'not a link' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('is not a link'),
    });
  });

  it('quotes a text that is not a link as one line, cut between characters', () => {
    const quoted = (link: string) => {
      const mapped = mapSlashCommand({ link });
      return mapped.ok ? undefined : mapped.problem.split('`')[1];
    };
    expect(quoted(`${'x'.repeat(99)}😀`)).toBe(`${'x'.repeat(99)}…`);
    expect(quoted('not\n# a\u202E link')).toBe('not # a link');
  });
});

describe('reading no more than Discord sends', () => {
  it('scans a message only up to 4,000 characters, and the text option up to its 6,000', () => {
    const late = `${'word '.repeat(800)} https://late.example/x`;
    expect(mapMention(message(`<@${BOT}> ${late}`), BOT)).toMatchObject({ request: { ok: false } });
    const text = mapSlashCommand({ text: 'x'.repeat(10_000) });
    expect(text.ok && text.value.ask.kind === 'text' && text.value.ask.text.length).toBe(6000);
  });
});

describe('mapMention', () => {
  it('ignores messages that do not name the bot, and bots', () => {
    expect(mapMention(message('https://a.example'), BOT)).toEqual({ action: 'ignore' });
    expect(mapMention(message(`<@${BOT}> https://a.example`, { authorIsBot: true }), BOT)).toEqual({
      action: 'ignore',
    });
  });

  it('summarizes the replied-to message when it has a link or a file', () => {
    const referenced = message('see https://a.example/report.pdf.', { id: '9' });
    expect(mapMention(message(`<@${BOT}>`, { referenced }), BOT)).toMatchObject({
      action: 'answer',
      target: 'referenced',
      request: { ok: true, value: { ask: { kind: 'url', url: 'https://a.example/report.pdf' } } },
    });
  });

  it('leaves a replied-to message Discord did not send along for the job to read, by its id', () => {
    const replyTo = { channelId: '7', messageId: '9' };
    expect(mapMention(message(`<@${BOT}> what is this?`, { replyTo }), BOT)).toMatchObject({
      target: 'referenced',
      request: { ok: true, value: { ask: { kind: 'message', channel: '7', id: '9' } } },
    });
    expect(mapMention(message(`<@${BOT}> https://a.example/x`, { replyTo }), BOT)).toMatchObject({
      target: 'self',
      request: { ok: true, value: { ask: { kind: 'url', url: 'https://a.example/x' } } },
    });
  });

  it('summarizes its own link or file otherwise, and explains when there is nothing', () => {
    expect(mapMention(message(`<@!${BOT}>`, { attachments: [file] }), BOT)).toMatchObject({
      action: 'answer',
      target: 'self',
      request: { ok: true },
    });
    expect(mapMention(message(`<@${BOT}> hi`), BOT)).toMatchObject({
      action: 'answer',
      request: { ok: false, problem: expect.stringContaining('Reply to a message') },
    });
  });
});

function reply(overrides: Partial<SummaryReply> = {}): SummaryReply {
  return {
    title: 'Title',
    bullets: ['One.', 'Two.', 'Three.', 'Four.', 'Five.'],
    model: 'llama3.2',
    stats: { chunks: 3, modelCalls: 4, promptTokens: 100, numCtx: 8192, ms: 12_400 },
    cached: false,
    source: { kind: 'url', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' },
    moments: [65_000, undefined, undefined, undefined, undefined],
    ...overrides,
  };
}

describe('renderSummary', () => {
  it('links a bullet to its moment in the video and names model, time and parts', () => {
    const [embed] = renderSummary(reply()).embeds ?? [];
    expect(embed?.description?.split('\n')[0]).toBe(
      '• One. ([1:05](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=65s))',
    );
    expect(embed?.footer?.text).toBe('llama3.2 · 12 s · 3 parts');
    expect(embed?.url).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
  });

  it('stays within Discord limits for very long output', () => {
    const long = 'word '.repeat(2000);
    const [embed] =
      renderSummary(reply({ title: long, bullets: [long, long, long, long, long] })).embeds ?? [];
    expect(embed?.title?.length).toBeLessThanOrEqual(LIMITS.title);
    expect(embed?.description?.length).toBeLessThanOrEqual(LIMITS.description);
    const total =
      (embed?.title?.length ?? 0) + (embed?.description?.length ?? 0) + (embed?.footer?.text.length ?? 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(threadName(long, 'x').length).toBeLessThanOrEqual(LIMITS.threadName);
  });

  it('shows each bullet and the title as one plain line: no headings, subtext or hidden characters', () => {
    const sneaky = 'Budget\n# approved\n-# quietly\u202Etxt.exe\u200B done';
    const payload = reply({ title: `Title\n# Big`, bullets: [sneaky, 'Two.', 'Three.', 'Four.', 'Five.'] });
    const plain = 'Budget # approved -# quietlytxt.exe done';
    const [embed] = renderSummary(payload).embeds ?? [];
    expect(embed?.description?.split('\n').slice(0, 5)).toEqual([
      `• ${plain} ([1:05](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=65s))`,
      '• Two.',
      '• Three.',
      '• Four.',
      '• Five.',
    ]);
    expect(embed?.title).toBe('Title # Big');
    expect(renderSummaryText(payload).content?.split('\n').slice(0, 2)).toEqual([
      '**Title # Big**',
      `• ${plain} ([1:05](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=65s))`,
    ]);
    expect(renderThreadHeader(payload).content).toBe('📝 Summary of **Title # Big** — in the thread below.');
  });

  it('shows model text as text: no markup, no mentions', () => {
    expect(escapeMarkdown('**bold** [link](https://x) <@123> @everyone')).toBe(
      '\\*\\*bold\\*\\* \\[link\\]\\(https://x\\) \\<@123\\> @\u200beveryone',
    );
  });
});
