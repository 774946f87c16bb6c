import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { MAX_TITLE_CHARS } from '../../src/core/title.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { startFakeWeb } from '../fakes/web.js';
import { type FakeYouTube, startFakeYouTube } from '../fakes/youtube.js';
import { fixturePath } from '../helpers/fixtures.js';

let ollama: FakeOllama;
let youtube: FakeYouTube;
let web: Awaited<ReturnType<typeof startFakeWeb>>;

beforeAll(async () => {
  [ollama, youtube, web] = await Promise.all([startFakeOllama(), startFakeYouTube(), startFakeWeb()]);
});
afterAll(() => Promise.all([ollama.close(), youtube.close(), web.close()]));

async function cli(argv: string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, {
    env: { OLLAMA_HOST: ollama.url, YOUTUBE_BASE_URL: youtube.url, FETCH_ALLOW_HOSTS: '127.0.0.1', ...env },
    stdin: Readable.from([]),
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('the CLI with links and every file format', () => {
  it('summarizes a YouTube link into five bullets from its captions', async () => {
    const before = ollama.chats.length;
    const { code, stdout } = await cli(['summarize', 'https://youtu.be/okManualEn1?si=abc&t=5']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(5);
    const prompt = ollama.chats[before]?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('Title: Leaked Internal Google AI Memo');
    expect(prompt).toContain(
      '[0:00] google has no mode and neither does open AI this is from a leaked document',
    );
  });

  it('extracts what recap reads from a YouTube link, with timed segments in JSON', async () => {
    const { code, stdout } = await cli(['extract', 'https://www.youtube.com/watch?v=okManualEn1', '--json']);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.title).toBe('Leaked Internal Google AI Memo');
    expect(document.segments[0]).toEqual({
      text: expect.stringMatching(/^google has no mode and neither does open AI this is from a leaked/),
      startMs: 160,
    });
  });

  it.each([
    ['/news/bike-lanes', 'The Riverton city council voted 7 to 2'],
    ['/notes.txt', 'Plain notes: ship on Monday.'],
    ['/readme.md', 'Sign-ups doubled in the first week.'],
    ['/report.pdf', 'Revenue grew by 12 percent'],
    ['/talk.vtt', '[0:03] Ana Souza: Good morning, everyone.'],
  ])('extracts the text of the link %s', async (path, expected) => {
    const { code, stdout, stderr } = await cli(['extract', `${web.url}${path}`]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
  });

  it('summarizes an article link', async () => {
    const { code, stdout } = await cli(['summarize', `${web.url}/news/bike-lanes`]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(5);
  });

  it('cuts an 85 KB page title to one short line, and still summarizes in a small context', async () => {
    const before = ollama.chats.length;
    const { code, stdout } = await cli(['summarize', `${web.url}/huge-title`, '--json'], {
      RECAP_NUM_CTX: '2048',
    });
    expect(code).toBe(0);
    const { title } = JSON.parse(stdout) as { title: string };
    expect(title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(title).toMatch(/^Bike lanes everywhere .*…$/);
    const prompt = ollama.chats[before]?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain(`Title: ${title}\n`);
  });

  it('cuts an 85 KB --title the same way', async () => {
    const { code, stdout } = await cli(
      ['extract', fixturePath('files/notes.md'), '--json', '--title', 'Retro '.repeat(14_000)],
      { RECAP_NUM_CTX: '2048' },
    );
    expect(code).toBe(0);
    const { title } = JSON.parse(stdout) as { title: string };
    expect(title).toHaveLength(MAX_TITLE_CHARS);
    expect(title.endsWith('…')).toBe(true);
  });

  it('refuses a link to an inside address unless an admin allowed it, without fetching it', async () => {
    web.requests.length = 0;
    const { code, stderr } = await cli(['summarize', `${web.url}/notes.txt`], { FETCH_ALLOW_HOSTS: '' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^recap: Not opening .*loopback address.*FETCH_ALLOW_HOSTS/m);
    expect(web.requests).toEqual([]);
  });

  it('says what a link serves when recap cannot read it', async () => {
    const { code, stderr } = await cli(['extract', `${web.url}/image.png`]);
    expect(code).toBe(1);
    expect(stderr).toContain('"image/png"');
  });

  it('says a missing page does not exist', async () => {
    const { stderr } = await cli(['extract', `${web.url}/gone`]);
    expect(stderr).toContain('HTTP 404: the page does not exist');
  });

  it.each([
    ['files/teams-meeting.vtt', "Ben O'Neil: Thanks, Ana."],
    ['files/meeting-crlf.srt', 'Maria: I prefer the second offer'],
    ['files/youtube-auto.vtt', '[0:00] google has no mode and neither does open AI this is from a leaked'],
    ['files/whisper.json', '[0:03] Revenue grew twelve percent.'],
    ['files/qmsum-turns.json', 'Project Manager:'],
    ['files/minutes.docx', 'Action: Ben updates the pricing page.'],
    ['files/report.pdf', 'Hiring paused until July.'],
    ['files/cp1252.txt', 'café naïve façade — budget “approved”'],
    ['files/utf16le.txt', 'café naïve'],
    ['files/notes.md', '# Launch retrospective'],
    ['pages/news-article.html', '# City council approves bike lane network'],
  ])('extracts %s', async (name, expected) => {
    const { code, stdout } = await cli(['extract', fixturePath(name)]);
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
  });

  it('summarizes a .docx and a .pdf into five bullets', async () => {
    for (const name of ['files/minutes.docx', 'files/report.pdf']) {
      const { code, stdout } = await cli(['summarize', fixturePath(name)]);
      expect(code, name).toBe(0);
      expect(stdout.trim().split('\n'), name).toHaveLength(5);
    }
  });

  it('refuses a file over RECAP_MAX_FILE_BYTES, reading no more than that', async () => {
    const { code, stderr } = await cli(['extract', fixturePath('files/report.pdf')], {
      RECAP_MAX_FILE_BYTES: '100',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('larger than 100 bytes');
  });

  it('says a scanned PDF has no text', async () => {
    const { code, stderr } = await cli(['summarize', fixturePath('files/scanned.pdf')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no text to read: it looks like a scan/);
  });

  it('tells the user to upload the transcript when a video is private', async () => {
    const { code, stderr } = await cli(['summarize', 'https://www.youtube.com/watch?v=privateVid1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is private.*upload it as a file/);
  });
});
