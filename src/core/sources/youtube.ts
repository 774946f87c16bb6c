import * as transcriptLibrary from 'youtube-transcript-plus';
import { z } from 'zod';
import { cancelledError, RecapError } from '../errors.js';
import { startDeadline } from '../fetch/deadline.js';
import { readCapped } from '../fetch/read-capped.js';
import type { Document, Segment } from '../types.js';
import { mergeCaptions } from './formats/caption-paragraphs.js';
import { decodeEntities, stripTags } from './formats/markup.js';
import {
  type CaptionTrack,
  captionTracksOf,
  needsPoToken,
  PlayerResponse,
  playerFromWatchPage,
  rankTracks,
  youtubeBlocked,
} from './youtube-player.js';
import { watchUrl, type YouTubeVideo } from './youtube-url.js';

/** What the library's fetch hooks receive (its own .d.ts files do not resolve under NodeNext). */
interface FetchParams {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  userAgent?: string;
}
type FetchHook = (params: FetchParams) => Promise<Response>;
const library = transcriptLibrary as unknown as {
  fetchTranscript(
    videoId: string,
    config: {
      videoDetails: true;
      signal: AbortSignal;
      videoFetch: FetchHook;
      playerFetch: FetchHook;
      transcriptFetch: FetchHook;
    },
  ): Promise<unknown>;
};
const LibraryResult = z.object({
  videoDetails: z.object({ title: z.string().optional() }).loose(),
  segments: z.array(z.object({ text: z.string(), offset: z.number() }).loose()),
});

export interface YouTubeOptions {
  /** Where YouTube is: https://www.youtube.com, or a local server with recorded responses in tests. */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

export interface YouTubeReader {
  read(
    video: YouTubeVideo,
    options: { signal: AbortSignal; language?: string | undefined },
  ): Promise<Document>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * Captions of a YouTube video as a Document. youtube-transcript-plus does the InnerTube requests; our
 * hooks send them to the configured base URL, tell apart why a video cannot be read, and choose the
 * track. When that path fails, the caption tracks in the watch page itself are tried.
 */
export function createYouTubeReader(options: YouTubeOptions): YouTubeReader {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const base = new URL(options.baseUrl);

  return {
    async read(video, { signal, language }) {
      // A timer held until the read ends (AbortSignal.timeout inside AbortSignal.any can be collected
      // before it fires on Node 20), over every request and body of the read.
      const deadline = startDeadline(signal, options.timeoutMs);
      const run = new YouTubeRun(video, language, base, baseFetch, deadline.signal);
      const unreadable = (cause: unknown): RecapError => {
        if (signal.aborted) return cancelledError(signal.reason);
        // Before the RecapError check: a read the deadline stopped ends in a `cancelled` RecapError.
        if (cause instanceof RecapError && !deadline.expired) return cause;
        const reason = deadline.expired
          ? 'YouTube took too long to answer'
          : isNetworkFailure(cause)
            ? 'YouTube could not be reached'
            : "YouTube's answer was not what recap understands (it may have changed)";
        return new RecapError(
          'link_failed',
          `Couldn't read the captions of the YouTube video ${video.id}: ${reason}. Try again later, or upload the transcript as a file instead.`,
          { cause },
        );
      };
      try {
        return await run.viaLibrary();
      } catch (error) {
        const first = unreadable(error);
        if (first.code !== 'link_failed' || deadline.expired) throw first;
        try {
          return await run.viaWatchPage();
        } catch (fallbackError) {
          throw unreadable(fallbackError);
        }
      } finally {
        deadline.dispose();
      }
    },
  };
}

class YouTubeRun {
  private watchPage: string | undefined;
  private player: PlayerResponse | undefined;
  private track: CaptionTrack | undefined;

  constructor(
    private readonly video: YouTubeVideo,
    private readonly language: string | undefined,
    private readonly base: URL,
    private readonly fetch: typeof globalThis.fetch,
    private readonly signal: AbortSignal,
  ) {}

  async viaLibrary(): Promise<Document> {
    const raw = await library.fetchTranscript(this.video.id, {
      videoDetails: true,
      signal: this.signal,
      videoFetch: (params) => this.watchPageHook(params),
      playerFetch: (params) => this.playerHook(params),
      transcriptFetch: (params) => this.transcriptHook(params),
    });
    const result = LibraryResult.parse(raw);
    const segments = result.segments.map((segment) => ({
      text: decodeEntities(segment.text).replace(/\s+/g, ' ').trim(),
      startMs: Math.round(segment.offset * 1000),
    }));
    return this.document(result.videoDetails.title || this.player?.videoDetails?.title, segments);
  }

  async viaWatchPage(): Promise<Document> {
    const html = this.watchPage ?? (await this.get(watchUrl(this.video))).text;
    const player = playerFromWatchPage(html);
    if (!player) throw new Error('no ytInitialPlayerResponse in the watch page');
    const [track] = rankTracks(captionTracksOf(player, this.video.id), this.language);
    if (!track) throw new Error('no caption track');
    if (needsPoToken(track)) throw youtubeBlocked('it requires a proof-of-origin token for these captions');
    const body = (await this.get(track.baseUrl)).text;
    if (body.trim() === '') throw youtubeBlocked('it sent an empty caption file');
    return this.document(player.videoDetails?.title, parseTimedText(body));
  }

  private document(title: string | undefined, segments: Segment[]): Document {
    const kept = mergeCaptions(segments.filter((segment) => segment.text !== ''));
    if (kept.length === 0) throw youtubeBlocked('it sent an empty caption file');
    return {
      ...(title ? { title } : {}),
      text: kept.map((segment) => segment.text).join(' '),
      segments: kept,
      source: { kind: 'url', url: watchUrl(this.video) },
      ...(this.track?.languageCode ? { language: this.track.languageCode } : {}),
    };
  }

  private async watchPageHook(params: FetchParams): Promise<Response> {
    const page = await this.get(params.url, params);
    if (page.status === 429 || /class="g-recaptcha"|unusual traffic from your computer/i.test(page.text)) {
      throw youtubeBlocked('it is limiting requests from this server (HTTP 429 or a captcha)');
    }
    if (page.ok) this.watchPage = page.text;
    return new Response(page.text, { status: page.status });
  }

  private async playerHook(params: FetchParams): Promise<Response> {
    const answer = await this.get(params.url, params);
    if (answer.status === 429) throw youtubeBlocked('it is limiting requests from this server (HTTP 429)');
    if (!answer.ok) return new Response(answer.text, { status: answer.status });
    const player = PlayerResponse.parse(JSON.parse(answer.text));
    this.player = player;
    const ranked = rankTracks(captionTracksOf(player, this.video.id), this.language);
    this.track = ranked[0];
    if (this.track && needsPoToken(this.track)) {
      throw youtubeBlocked('it requires a proof-of-origin token for these captions');
    }
    // The library takes the first track when no language is named: put the best one first.
    const json = JSON.parse(answer.text) as {
      captions: { playerCaptionsTracklistRenderer: { captionTracks: unknown[] } };
    };
    json.captions.playerCaptionsTracklistRenderer.captionTracks = ranked;
    return new Response(JSON.stringify(json), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }

  private async transcriptHook(params: FetchParams): Promise<Response> {
    const answer = await this.get(params.url, params);
    if (answer.status === 429) throw youtubeBlocked('it is limiting requests from this server (HTTP 429)');
    if (answer.ok && answer.text.trim() === '') throw youtubeBlocked('it sent an empty caption file');
    return new Response(answer.text, { status: answer.status });
  }

  /** Any YouTube request, sent to the configured base URL, bounded in size. */
  private async get(
    url: string,
    params?: FetchParams,
  ): Promise<{ status: number; ok: boolean; text: string }> {
    const target = new URL(url);
    if (/(^|\.)youtube\.com$/.test(target.hostname)) {
      target.protocol = this.base.protocol;
      target.host = this.base.host;
    }
    const response = await this.fetch(target, {
      method: params?.method ?? 'GET',
      ...(params?.body ? { body: params.body } : {}),
      headers: {
        ...(params?.headers ?? {}),
        ...(params?.userAgent ? { 'user-agent': params.userAgent } : {}),
        ...(this.language ? { 'accept-language': this.language } : {}),
      },
      signal: this.signal,
    });
    const bytes = await readCapped(response.body, {
      maxBytes: MAX_BODY_BYTES,
      signal: this.signal,
      tooLarge: () => new RecapError('input_too_large', 'YouTube sent more than recap reads.'),
    });
    return { status: response.status, ok: response.ok, text: new TextDecoder().decode(bytes) };
  }
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
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
