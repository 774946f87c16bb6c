import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { documentFromFile } from '../../src/core/sources/file-document.js';
import { createSources } from '../../src/core/sources/sources.js';
import type { Document } from '../../src/core/types.js';
import { fixturePath } from '../helpers/fixtures.js';
import { docxBomb, zip } from '../helpers/zip.js';

/** Child processes started and not yet exited (reaped), and the most at once, counted as each starts. */
const processes = vi.hoisted(() => ({ live: 0, most: 0 }));
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  return {
    ...real,
    fork: (...args: Parameters<typeof real.fork>) => {
      const child = real.fork(...args);
      processes.live += 1;
      processes.most = Math.max(processes.most, processes.live);
      child.once('exit', () => {
        processes.live -= 1;
      });
      return child;
    },
  };
});

const limits = () => ({
  // A safety net, not what is tested: a parse takes well under a second idle, and a loaded machine once
  // took past 10 s to start the process and read a file.
  timeoutMs: 25_000,
  maxHeapMb: 256,
  maxExpandedBytes: 10 * 1024 * 1024,
  maxTextBytes: 20 * 1024 * 1024,
  signal: new AbortController().signal,
});

function read(name: string, contentType?: string): Promise<Document> {
  const bytes = readFileSync(fixturePath(`files/${name}`));
  return documentFromFile({ bytes, name, contentType, source: { kind: 'file', name } }, limits());
}

function readBytes(bytes: Uint8Array, name: string, contentType?: string): Promise<Document> {
  return documentFromFile({ bytes, name, contentType, source: { kind: 'file', name } }, limits());
}

const ACCENTS = 'Meeting notes: café naïve façade — budget “approved”.';

describe('text files', () => {
  it.each(['utf8-bom.txt', 'utf16le.txt', 'utf16be.txt', 'cp1252.txt'])(
    'keeps "café naïve" in %s',
    async (name) => {
      const document = await read(name);
      expect(document.text.split('\n')[0]).toBe(ACCENTS);
      expect(document.text).not.toContain('\uFEFF');
    },
  );

  it('reads Markdown as text, without link targets or image markup, titled by its heading', async () => {
    const document = await read('notes.md');
    expect(document.title).toBe('Launch retrospective');
    expect(document.text).toContain('See the dashboard for numbers.');
    expect(document.text).not.toContain('https://example.com');
    expect(document.text).not.toContain('![');
  });

  it('refuses an empty file and a binary file, saying which', async () => {
    await expect(readBytes(new Uint8Array(), 'empty.txt')).rejects.toMatchObject({
      code: 'empty_document',
      userMessage: expect.stringContaining('empty.txt is empty'),
    });
    await expect(readBytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'tool')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringContaining('binary file'),
    });
  });

  it('refuses formats it does not read, listing the ones it does', async () => {
    await expect(readBytes(Buffer.from('GIF89a'), 'photo.gif')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringMatching(
        /\.gif files are not supported\. It reads \.txt, \.md, \.vtt, \.srt, \.docx, \.pdf, \.json and \.html/,
      ),
    });
    await expect(
      readBytes(zip([{ name: 'a.txt', data: Buffer.from('x') }]), 'archive.zip'),
    ).rejects.toMatchObject({
      code: 'unsupported_input',
    });
  });

  it('knows a format from its content when the name says nothing', async () => {
    const vtt = readFileSync(fixturePath('files/teams-meeting.vtt'));
    expect((await readBytes(vtt, 'download')).segments?.[0]?.speaker).toBe('Ana Souza');
    const pdf = readFileSync(fixturePath('files/report.pdf'));
    expect((await readBytes(pdf, 'attachment.bin', 'application/octet-stream')).text).toContain(
      'Revenue grew',
    );
  });
});

describe('captions', () => {
  it('removes the rolling duplicates and timing tags of YouTube auto-captions, and merges the cues', async () => {
    const document = await read('youtube-auto.vtt');
    // Four cues of a few words, repeated as YouTube rolls them: one paragraph, said once, one timestamp.
    expect(document.segments).toEqual([
      {
        text: 'google has no mode and neither does open AI this is from a leaked document from inside Google talking about how open source large language',
        startMs: 160,
      },
    ]);
    expect(document.text).not.toMatch(/WEBVTT|-->|align:|<c>|<\d/);
  });

  it('turns Teams voices into speakers and drops notes, styles, cue settings and tags', async () => {
    const document = await read('teams-meeting.vtt');
    expect(document.segments).toEqual([
      {
        text: "Good morning, everyone. Let's start with the budget & the timeline.",
        startMs: 3019,
        speaker: 'Ana Souza',
      },
      {
        text: 'Thanks, Ana. The budget is approved; the timeline slips by two weeks.',
        startMs: 8100,
        speaker: "Ben O'Neil",
      },
      { text: 'Okay.', startMs: 12900, speaker: 'Ana Souza' },
      { text: 'Okay.', startMs: 14500, speaker: "Ben O'Neil" },
      { text: "I'll send the café naïve notes tonight.", startMs: 62000, speaker: 'Chloé Martin' },
    ]);
    expect(document.text).not.toMatch(/NOTE|STYLE|::cue|line:90%|<v|<b>/);
  });

  it('reads a CRLF SubRip file with "Speaker: text" lines and hour-long times', async () => {
    const document = await read('meeting-crlf.srt');
    expect(document.segments).toEqual([
      { text: 'We need to decide on the vendor today.', startMs: 1000, speaker: 'JOHN' },
      { text: 'I prefer the second offer, it is cheaper and faster.', startMs: 4500, speaker: 'Maria' },
      { text: '[laughter]', startMs: 8000 },
      { text: 'Then it is decided.', startMs: 3_723_000, speaker: 'JOHN' },
    ]);
    expect(document.text).not.toContain('\r');
  });

  it('says a subtitle file without cues has nothing to summarize', async () => {
    await expect(readBytes(Buffer.from('WEBVTT\n\nNOTE nothing here\n'), 'empty.vtt')).rejects.toMatchObject({
      code: 'empty_document',
    });
  });
});

describe('JSON transcripts', () => {
  it("reads Whisper's segments with their start times", async () => {
    const document = await read('whisper.json');
    expect(document.segments).toEqual([
      { text: 'Welcome to the quarterly review.', startMs: 0 },
      { text: 'Revenue grew twelve percent.', startMs: 3200 },
    ]);
  });

  it('reads a QMSum meeting as speaker turns', async () => {
    const document = await read('qmsum-turns.json');
    expect(document.segments?.length).toBe(40);
    const turns = JSON.parse(readFileSync(fixturePath('files/qmsum-turns.json'), 'utf8')) as {
      speaker: string;
      content: string;
    }[];
    expect(document.segments?.[5]).toEqual({ text: turns[5]?.content.trim(), speaker: turns[5]?.speaker });
  });

  it('reads turns with "text" instead of "content"', async () => {
    const turns = JSON.stringify([
      { speaker: 'A', text: 'Hello.' },
      { speaker: 'B', text: 'Hi.' },
    ]);
    expect((await readBytes(Buffer.from(turns), 'turns.json')).segments).toEqual([
      { text: 'Hello.', speaker: 'A' },
      { text: 'Hi.', speaker: 'B' },
    ]);
  });

  it('refuses JSON that is not a transcript, naming the shapes it reads', async () => {
    await expect(readBytes(Buffer.from('{"name": "package"}'), 'package.json')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringContaining('Whisper'),
    });
  });
});

describe('Word and PDF', () => {
  it('reads the paragraphs of a .docx', async () => {
    const document = await read('minutes.docx');
    expect(document.text).toContain('Decision: ship the café naïve release on 3 March.');
    expect(document.title).toBe('minutes');
  });

  it('refuses a .docx zip bomb without expanding it', async () => {
    const bomb = docxBomb(24 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(100 * 1024);
    await expect(readBytes(bomb, 'bomb.docx')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringContaining('zip bomb'),
    });
  });

  it('refuses a damaged .docx with a clear message', async () => {
    await expect(readBytes(Buffer.from('PK\x03\x04 not really a zip'), 'broken.docx')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringContaining("Can't open broken.docx"),
    });
  });

  it('reads the text layer of a PDF, pages in order, with its title', async () => {
    const document = await read('report.pdf');
    expect(document.title).toBe('Q3 Report');
    expect(document.text).toMatch(/Revenue grew by 12 percent[\s\S]*Hiring paused until July/);
  });

  it('says a scanned PDF has no text and what to do', async () => {
    await expect(read('scanned.pdf')).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: expect.stringMatching(/scan.*OCR/),
    });
  });
});

describe('web pages as files', () => {
  it('extracts the article from a saved page, without navigation, ads or comments', async () => {
    const bytes = readFileSync(fixturePath('pages/news-article.html'));
    const document = await readBytes(bytes, 'article.html');
    expect(document.title).toBe('City council approves bike lane network');
    expect(document.text).toContain('The Riverton city council voted 7 to 2');
    expect(document.text).toContain('Residents can comment on the plan online until April 15.');
    expect(document.text).not.toMatch(/Subscribe for|mortgage rates|Related stories|12 comments|Privacy/);
  });
});

describe('parses at once', () => {
  const page = readFileSync(fixturePath('pages/news-article.html'));
  const input = (index: number) => ({
    kind: 'file' as const,
    name: `page-${index}.html`,
    download: async () => Buffer.from(page),
  });

  /** The most parse processes there were at once, counted as each is started, until each has exited. */
  async function mostAtOnce(maxParses: number): Promise<number> {
    const sources = createSources({
      fetch: () => Promise.reject(new Error('no links here')),
      youtube: { read: () => Promise.reject(new Error('no videos here')) },
      maxFileBytes: 1024 * 1024,
      maxParses,
    });
    processes.most = processes.live;
    const reads = [0, 1, 2].map((index) =>
      sources.read(input(index), { signal: new AbortController().signal }),
    );
    for (const document of await Promise.all(reads)) expect(document.text).toContain('Riverton');
    return processes.most;
  }

  it('runs no more parses at once than RECAP_MAX_PARSES allows, the next starting once the last has exited', async () => {
    expect(await mostAtOnce(1)).toBe(1);
    // The same count sees parses overlap when more are allowed.
    expect(await mostAtOnce(3)).toBe(3);
  });
});

describe('reads at once', () => {
  it('downloads no more files, and reads no more videos, at once than RECAP_MAX_PARSES allows, so their bytes cannot pile up', async () => {
    // Downloads (and video reads) in flight; each one's bytes stay held until its parse ends, in its slot.
    let inFlight = 0;
    let most = 0;
    const hold = async <T>(value: T): Promise<T> => {
      most = Math.max(most, ++inFlight);
      await new Promise(setImmediate);
      inFlight--;
      return value;
    };
    const sources = createSources({
      fetch: () => Promise.reject(new Error('no pages here')),
      youtube: {
        read: () => hold({ text: 'the captions', source: { kind: 'url', url: 'https://youtu.be/x' } }),
      },
      maxFileBytes: 1024 * 1024,
      maxParses: 2,
    });
    const file = (index: number) => ({
      kind: 'file' as const,
      name: `notes-${index}.txt`,
      download: () => hold(Buffer.from(`notes ${index}`)),
    });
    const video = { kind: 'url' as const, url: new URL('https://www.youtube.com/watch?v=dQw4w9WgXcQ') };
    const signal = new AbortController().signal;
    const reads = [file(0), file(1), file(2), video, file(3)].map((input) => sources.read(input, { signal }));
    const documents = await Promise.all(reads);
    expect(documents.map((document) => document.text)).toEqual([
      'notes 0',
      'notes 1',
      'notes 2',
      'the captions',
      'notes 3',
    ]);
    expect(most).toBe(2);
  });
});
