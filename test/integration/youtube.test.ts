import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARSER_LIMITS } from '../../src/core/sources/file-document.js';
import { createYouTubeReader } from '../../src/core/sources/youtube.js';
import { parseTimedText } from '../../src/core/sources/youtube-answers.js';
import { parseYouTubeUrl } from '../../src/core/sources/youtube-url.js';
import { startDrippingServer } from '../fakes/web.js';
import { type FakeYouTube, startFakeYouTube } from '../fakes/youtube.js';

let youtube: FakeYouTube;
beforeAll(async () => {
  youtube = await startFakeYouTube();
});
afterAll(() => youtube.close());

/** The four cues of the fake's caption track, as one paragraph. */
const MEMO =
  "google has no mode and neither does open AI this is from a leaked document from inside Google talking about how open source large language models have completely changed the game 'seriously'";

/** What the sources give a read: the caller's signal, RECAP_MAX_FILE_BYTES and the parse limits. */
const readOptions = (overrides: { language?: string; maxBytes?: number; timeoutMs?: number } = {}) => ({
  signal: new AbortController().signal,
  language: overrides.language,
  maxBytes: overrides.maxBytes ?? 20 * 1024 * 1024,
  parser: { ...DEFAULT_PARSER_LIMITS, ...(overrides.timeoutMs ? { timeoutMs: overrides.timeoutMs } : {}) },
});

const read = (id: string, language?: string) =>
  createYouTubeReader({ baseUrl: youtube.url, timeoutMs: 20_000 }).read(
    { id },
    readOptions(language ? { language } : {}),
  );

describe('YouTube links', () => {
  it.each([
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ', undefined],
    ['https://youtube.com/watch?v=dQw4w9WgXcQ&t=90s&si=abcDEF', 'dQw4w9WgXcQ', 90],
    ['https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ', 'dQw4w9WgXcQ', undefined],
    ['https://youtu.be/dQw4w9WgXcQ?si=Xy12&t=1m30s', 'dQw4w9WgXcQ', 90],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ', 'dQw4w9WgXcQ', undefined],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ?start=42', 'dQw4w9WgXcQ', 42],
    ['https://www.youtube.com/live/dQw4w9WgXcQ?si=q', 'dQw4w9WgXcQ', undefined],
    ['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', 'dQw4w9WgXcQ', undefined],
    ['https://music.youtube.com/watch?v=dQw4w9WgXcQ&t=1h2m3s', 'dQw4w9WgXcQ', 3723],
  ])('reads %s', (link, id, start) => {
    expect(parseYouTubeUrl(new URL(link))).toEqual({
      id,
      ...(start === undefined ? {} : { startSeconds: start }),
    });
  });

  it.each([
    'https://www.youtube.com/',
    'https://www.youtube.com/@channel',
    'https://www.youtube.com/watch?v=short',
    'https://www.youtube.com.evil.test/watch?v=dQw4w9WgXcQ',
    'https://vimeo.com/123456',
  ])('does not take %s for a video', (link) => {
    expect(parseYouTubeUrl(new URL(link))).toBeUndefined();
  });
});

describe('YouTube captions (recorded-shape responses from a local server)', () => {
  it('reads the title and written captions, with start times, preferring them over auto-generated ones', async () => {
    const document = await read('okManualEn1');
    expect(document.title).toBe('Leaked Internal Google AI Memo');
    // Cues without punctuation, within seconds of each other: one paragraph, one timestamp; a second
    // paragraph after a pause.
    expect(document.segments).toEqual([
      { text: MEMO, startMs: 160 },
      {
        text: 'the memo argues that open models now improve faster because thousands of people experiment with them cheaply so the advantage of the large labs shrinks every month',
        startMs: 41_040,
      },
    ]);
    expect(document.text).not.toContain('auto generated words');
    expect(document.source).toEqual({ kind: 'url', url: 'https://www.youtube.com/watch?v=okManualEn1' });
    expect(document.language).toBe('en');
  });

  it('takes captions in the requested language first', async () => {
    const document = await read('okManualEn1', 'de');
    expect(document.text).toBe('Google hat keinen Burggraben');
  });

  it('uses auto-generated captions when there are no others', async () => {
    expect((await read('autoOnly0001')).segments).toEqual([{ text: MEMO, startMs: 160 }]);
  });

  it('falls back to the caption tracks in the watch page when the player API fails', async () => {
    const document = await read('fallback001');
    expect(document.title).toBe('Player API down');
    expect(document.segments).toEqual([{ text: MEMO, startMs: 160 }]);
  });

  it.each([
    ['noCaptions1', 'captions_unavailable', /has no captions.*upload it as a file/],
    ['privateVid1', 'video_unavailable', /is private.*upload it as a file/],
    ['ageRestrict', 'video_unavailable', /age-restricted.*upload it as a file/],
    ['unavailable', 'video_unavailable', /unavailable.*This video is unavailable/],
    ['botCheck001', 'youtube_blocked', /not a bot.*upload it as a file/],
    ['rateLimit01', 'youtube_blocked', /HTTP 429/],
    ['captchaPage', 'youtube_blocked', /captcha/],
    ['poToken0001', 'youtube_blocked', /proof-of-origin token/],
    ['emptyBody01', 'youtube_blocked', /empty caption file/],
  ])('tells apart why %s cannot be read (%s)', async (id, code, message) => {
    await expect(read(id)).rejects.toMatchObject({ code, userMessage: expect.stringMatching(message) });
  });

  it('says YouTube could not be reached, or was too slow, rather than blaming the video', async () => {
    const closed = await startFakeYouTube();
    await closed.close();
    const down = createYouTubeReader({ baseUrl: closed.url, timeoutMs: 5000 });
    await expect(down.read({ id: 'okManualEn1' }, readOptions())).rejects.toMatchObject({
      code: 'link_failed',
      userMessage: expect.stringContaining('YouTube could not be reached'),
    });
    const { listenLocal } = await import('../fakes/http.js');
    const silent = await listenLocal(() => undefined);
    try {
      const slow = createYouTubeReader({ baseUrl: silent.url, timeoutMs: 200 });
      await expect(slow.read({ id: 'okManualEn1' }, readOptions())).rejects.toMatchObject({
        code: 'link_failed',
        userMessage: expect.stringContaining('took too long'),
      });
    } finally {
      await silent.close();
    }
  });

  it('gives up on a YouTube that sends a byte at a time, by a deadline garbage collection cannot lose', async () => {
    const dripping = await startDrippingServer();
    try {
      const timeoutMs = 300;
      const outcome = await dripping.outcomeOf(
        () =>
          createYouTubeReader({ baseUrl: dripping.url, timeoutMs }).read(
            { id: 'okManualEn1' },
            readOptions(),
          ),
        timeoutMs,
      );
      expect(outcome).toMatch(/took too long/);
    } finally {
      await dripping.close();
    }
  });

  it('refuses an answer larger than RECAP_MAX_FILE_BYTES, as it would a file', async () => {
    const reader = createYouTubeReader({ baseUrl: youtube.url, timeoutMs: 20_000 });
    await expect(reader.read({ id: 'okManualEn1' }, readOptions({ maxBytes: 500 }))).rejects.toMatchObject({
      code: 'input_too_large',
      userMessage: expect.stringMatching(/more than 500 bytes.*RECAP_MAX_FILE_BYTES/),
    });
  });

  it("reads YouTube's answers in the parse process, within a file's parse limits", async () => {
    const reader = createYouTubeReader({ baseUrl: youtube.url, timeoutMs: 20_000 });
    // A parse process given 1 ms is stopped before it answers: the read fails, saying so.
    await expect(reader.read({ id: 'okManualEn1' }, readOptions({ timeoutMs: 1 }))).rejects.toMatchObject({
      code: 'link_failed',
      userMessage: expect.stringContaining("YouTube's answer took too long to read"),
    });
  });

  it('sends every request to the configured base URL, never to youtube.com', async () => {
    youtube.requests.length = 0;
    await read('okManualEn1');
    expect(youtube.requests.map((line) => line.split('?')[0])).toEqual([
      'GET /watch',
      'POST /youtubei/v1/player',
      'GET /api/timedtext',
    ]);
  });
});

describe('parseTimedText', () => {
  it('reads format 1 and srv3 captions', () => {
    expect(parseTimedText('<transcript><text start="1.5" dur="2">a &amp;amp; b</text></transcript>')).toEqual(
      [{ startMs: 1500, text: 'a & b' }],
    );
    expect(
      parseTimedText('<timedtext><body><p t="2500" d="1"><s>hello</s><s> there</s></p></body></timedtext>'),
    ).toEqual([{ startMs: 2500, text: 'hello there' }]);
  });
});
