/**
 * What recap makes of YouTube's answers (the watch page, the player response, the timed text), run in
 * the parse process like any fetched page: the answers are untrusted and up to RECAP_MAX_FILE_BYTES,
 * so scanning them on the main thread would hold up every other request. Each job returns a small
 * value (an API key, the one caption track to read, the merged captions) or throws the RecapError that
 * says why the video cannot be read.
 */

import { capTitle } from '../title.js';
import type { Segment } from '../types.js';
import { mergeCaptions } from './formats/caption-paragraphs.js';
import { decodeEntities, stripTags } from './formats/markup.js';
import {
  captionTracksOf,
  needsPoToken,
  PlayerResponse,
  playerFromWatchPage,
  rankTracks,
  youtubeBlocked,
} from './youtube-player.js';

export type YouTubeJob =
  /** The watch page, read by youtube-transcript-plus: whether it is a captcha, and its API key. */
  | { kind: 'watch-page-key' }
  /** The watch page's own player response (the fallback): the track to read. */
  | { kind: 'watch-page-track'; videoId: string; language?: string | undefined }
  /** The InnerTube player response: the track to read. */
  | { kind: 'player-track'; videoId: string; language?: string | undefined }
  /** A caption track's timed text: its captions, merged into sentences or short paragraphs. */
  | { kind: 'timed-text' };

export interface YouTubeParseRequest {
  kind: 'youtube';
  job: YouTubeJob;
  bytes: Uint8Array;
  limits: { maxExpandedBytes: number; maxTextBytes: number };
}

export interface WatchPageKey {
  captcha: boolean;
  /** The InnerTube API key, when the page has one that looks like a key. */
  apiKey?: string;
}

/** The caption track to read, as a player response lists it, and the video's title. */
export interface TrackChoice {
  title?: string;
  track: { baseUrl: string; languageCode: string; kind?: string };
}

export type YouTubeAnswer = WatchPageKey | TrackChoice | Segment[];

export function parseYouTubeAnswer({ job, bytes }: YouTubeParseRequest): YouTubeAnswer {
  const text = new TextDecoder().decode(bytes);
  switch (job.kind) {
    case 'watch-page-key':
      return watchPageKey(text);
    case 'watch-page-track': {
      const player = playerFromWatchPage(text);
      if (!player) throw new Error('no ytInitialPlayerResponse in the watch page');
      return chooseTrack(player, job.videoId, job.language);
    }
    case 'player-track':
      return chooseTrack(PlayerResponse.parse(JSON.parse(text)), job.videoId, job.language);
    case 'timed-text':
      if (text.trim() === '') throw youtubeBlocked('it sent an empty caption file');
      return mergeCaptions(parseTimedText(text).filter((segment) => segment.text !== ''));
  }
}

const CAPTCHA_MARKERS = ['class="g-recaptcha"', 'unusual traffic from your computer'];
/** How the page writes the key: as JSON, or as JSON inside a JavaScript string (escaped quotes). */
const KEY_MARKERS = [
  { open: '"INNERTUBE_API_KEY":"', close: '"' },
  { open: 'INNERTUBE_API_KEY\\":\\"', close: '\\"' },
];
const API_KEY = /^[\w-]+$/;

/** The captcha check and the API key, by plain searches (each reads the page at most once). */
export function watchPageKey(page: string): WatchPageKey {
  const lower = page.toLowerCase();
  const captcha = CAPTCHA_MARKERS.some((marker) => lower.includes(marker));
  for (const { open, close } of KEY_MARKERS) {
    const start = page.indexOf(open);
    if (start === -1) continue;
    const from = start + open.length;
    const key = page.slice(from, Math.max(from, page.indexOf(close, from)));
    if (key.length <= 200 && API_KEY.test(key)) return { captcha, apiKey: key };
  }
  return { captcha };
}

/**
 * Throws the error that tells the truth about why a video cannot be read; otherwise the best track for
 * the language asked for (see `rankTracks`), unless YouTube requires a token recap cannot make.
 */
function chooseTrack(player: PlayerResponse, videoId: string, language: string | undefined): TrackChoice {
  const [best] = rankTracks(captionTracksOf(player, videoId), language);
  if (!best) throw new Error('no caption track');
  if (needsPoToken(best)) throw youtubeBlocked('it requires a proof-of-origin token for these captions');
  const title = capTitle(player.videoDetails?.title);
  const { baseUrl, languageCode, kind } = best;
  return { ...(title ? { title } : {}), track: { baseUrl, languageCode, ...(kind ? { kind } : {}) } };
}

/** YouTube's timed text: `<text start dur>` (format 1) or `<p t d>` in milliseconds (srv3). */
export function parseTimedText(xml: string): Segment[] {
  const format1 = elements(xml, 'text').flatMap(({ attributes, body }) => {
    const start = /(?:^|\s)start="(\d{1,9}(?:\.\d{1,9})?)"/.exec(attributes)?.[1];
    return start === undefined
      ? []
      : [{ startMs: Math.round(Number(start) * 1000), text: cleanCaption(body) }];
  });
  if (format1.length > 0) return format1;
  return elements(xml, 'p').flatMap(({ attributes, body }) => {
    const start = /(?:^|\s)t="(\d{1,12})"/.exec(attributes)?.[1];
    return start === undefined ? [] : [{ startMs: Number(start), text: cleanCaption(body) }];
  });
}

/**
 * The `<name …>body</name>` elements of a flat XML document, in order. Each search starts where the
 * last one ended, so the whole document is read once, whatever it holds (a regular expression with
 * `[^>]*` and a lazy body re-read the rest of the document from every unclosed tag).
 */
function elements(xml: string, name: string): { attributes: string; body: string }[] {
  const found: { attributes: string; body: string }[] = [];
  const open = `<${name} `;
  const close = `</${name}>`;
  for (let from = 0; ; ) {
    const start = xml.indexOf(open, from);
    const tagEnd = start === -1 ? -1 : xml.indexOf('>', start);
    const end = tagEnd === -1 ? -1 : xml.indexOf(close, tagEnd);
    if (end === -1) return found;
    found.push({ attributes: xml.slice(start + open.length, tagEnd), body: xml.slice(tagEnd + 1, end) });
    from = end + close.length;
  }
}

function cleanCaption(raw: string): string {
  // Entities arrive encoded twice ("&amp;#39;"), and srv3 wraps words in <s> tags.
  return decodeEntities(decodeEntities(stripTags(raw)))
    .replace(/\s+/g, ' ')
    .trim();
}
