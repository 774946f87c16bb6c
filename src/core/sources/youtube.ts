import * as transcriptLibrary from 'youtube-transcript-plus';
import { cancelledError, RecapError } from '../errors.js';
import { startDeadline } from '../fetch/deadline.js';
import { readCapped } from '../fetch/read-capped.js';
import { formatBytes } from '../text.js';
import type { Document, Segment } from '../types.js';
import { ParseLimitError } from './bounded-process.js';
import { type ParserLimits, parseInProcess } from './file-document.js';
import { sharedText } from './shared-text.js';
import type { TrackChoice, WatchPageKey, YouTubeJob } from './youtube-answers.js';
import { youtubeBlocked } from './youtube-player.js';
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

export interface YouTubeOptions {
  /** Where YouTube is: https://www.youtube.com, or a local server with recorded responses in tests. */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

export interface YouTubeReadOptions {
  signal: AbortSignal;
  /** The language wanted, used to choose among the video's caption tracks. */
  language?: string | undefined;
  /** The most bytes read of each of YouTube's answers (RECAP_MAX_FILE_BYTES). */
  maxBytes: number;
  /** The bounds of the process each answer is parsed in, as for a file. */
  parser: Omit<ParserLimits, 'signal' | 'maxTextBytes'>;
}

export interface YouTubeReader {
  read(video: YouTubeVideo, options: YouTubeReadOptions): Promise<Document>;
}

/**
 * Captions of a YouTube video as a Document. youtube-transcript-plus makes the InnerTube requests;
 * our hooks send them to the configured base URL, read each answer (within RECAP_MAX_FILE_BYTES) in
 * the parse process, tell apart why a video cannot be read, and choose the track. When that path
 * fails, the caption tracks in the watch page itself are tried.
 */
export function createYouTubeReader(options: YouTubeOptions): YouTubeReader {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const base = new URL(options.baseUrl);

  return {
    async read(video, readOptions) {
      const { signal } = readOptions;
      // A timer held until the read ends (AbortSignal.timeout inside AbortSignal.any can be collected
      // before it fires on Node 20), over every request, body and parse of the read.
      const deadline = startDeadline(signal, options.timeoutMs);
      const run = new YouTubeRun(video, readOptions, base, baseFetch, deadline.signal);
      const unreadable = (cause: unknown): RecapError => {
        if (signal.aborted) return cancelledError(signal.reason);
        if (deadline.expired) return linkFailed(video, 'YouTube took too long to answer', cause);
        if (cause instanceof RecapError) return cause;
        return linkFailed(video, reasonFor(cause), cause);
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

function reasonFor(cause: unknown): string {
  if (isNetworkFailure(cause)) return 'YouTube could not be reached';
  if (cause instanceof ParseLimitError && cause.limit === 'time')
    return "YouTube's answer took too long to read";
  if (cause instanceof ParseLimitError && cause.limit === 'memory')
    return "YouTube's answer needs too much memory to read";
  return "YouTube's answer was not what recap understands (it may have changed)";
}

function linkFailed(video: YouTubeVideo, reason: string, cause: unknown): RecapError {
  return new RecapError(
    'link_failed',
    `Couldn't read the captions of the YouTube video ${video.id}: ${reason}. Try again later, or upload the transcript as a file instead.`,
    { cause },
  );
}

interface Answer {
  status: number;
  ok: boolean;
  bytes: Uint8Array;
}

const RATE_LIMITED = 'it is limiting requests from this server (HTTP 429)';

/**
 * One read. The library only sequences the requests: each hook reads its answer in the parse process
 * and hands the library the little it needs from it (the API key, the one track to read, a stand-in
 * caption), while the run keeps the result (the chosen track, the merged captions).
 */
class YouTubeRun {
  private watchPage: Uint8Array | undefined;
  private choice: TrackChoice | undefined;
  private segments: Segment[] | undefined;

  constructor(
    private readonly video: YouTubeVideo,
    private readonly options: YouTubeReadOptions,
    private readonly base: URL,
    private readonly fetch: typeof globalThis.fetch,
    private readonly signal: AbortSignal,
  ) {}

  async viaLibrary(): Promise<Document> {
    await library.fetchTranscript(this.video.id, {
      videoDetails: true,
      signal: this.signal,
      videoFetch: (params) => this.watchPageHook(params),
      playerFetch: (params) => this.playerHook(params),
      transcriptFetch: (params) => this.transcriptHook(params),
    });
    if (!this.segments?.length) throw new Error('no captions in the timed text');
    return this.document(this.segments);
  }

  async viaWatchPage(): Promise<Document> {
    const page = this.watchPage ?? (await this.get(watchUrl(this.video))).bytes;
    this.choice = await this.parse<TrackChoice>(this.trackJob('watch-page-track'), page);
    const captions = await this.get(this.choice.track.baseUrl);
    const segments = await this.parse<Segment[]>({ kind: 'timed-text' }, captions.bytes);
    if (segments.length === 0) throw youtubeBlocked('it sent an empty caption file');
    return this.document(segments);
  }

  private document(segments: Segment[]): Document {
    const title = this.choice?.title;
    const language = this.choice?.track.languageCode;
    return {
      ...(title ? { title } : {}),
      ...sharedText(segments, ' '),
      source: { kind: 'url', url: watchUrl(this.video) },
      ...(language ? { language } : {}),
    };
  }

  private async watchPageHook(params: FetchParams): Promise<Response> {
    const page = await this.get(params.url, params);
    if (page.status === 429)
      throw youtubeBlocked('it is limiting requests from this server (HTTP 429 or a captcha)');
    if (!page.ok) return new Response(null, { status: page.status });
    const { captcha, apiKey } = await this.parse<WatchPageKey>({ kind: 'watch-page-key' }, page.bytes);
    if (captcha) throw youtubeBlocked('it is limiting requests from this server (HTTP 429 or a captcha)');
    this.watchPage = page.bytes;
    return new Response(apiKey ? `"INNERTUBE_API_KEY":"${apiKey}"` : '', { status: 200 });
  }

  private async playerHook(params: FetchParams): Promise<Response> {
    const answer = await this.get(params.url, params);
    if (answer.status === 429) throw youtubeBlocked(RATE_LIMITED);
    if (!answer.ok) return new Response(null, { status: answer.status });
    this.choice = await this.parse<TrackChoice>(this.trackJob('player-track'), answer.bytes);
    const player = {
      playabilityStatus: { status: 'OK' },
      videoDetails: { title: this.choice.title ?? '' },
      captions: { playerCaptionsTracklistRenderer: { captionTracks: [this.choice.track] } },
    };
    return new Response(JSON.stringify(player), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }

  private async transcriptHook(params: FetchParams): Promise<Response> {
    const answer = await this.get(params.url, params);
    if (answer.status === 429) throw youtubeBlocked(RATE_LIMITED);
    if (!answer.ok) return new Response(null, { status: answer.status });
    this.segments = await this.parse<Segment[]>({ kind: 'timed-text' }, answer.bytes);
    // The library wants a caption of its own to accept the answer; the run keeps the real ones.
    return new Response('<transcript><text start="0" dur="0">-</text></transcript>', { status: 200 });
  }

  private trackJob(kind: 'watch-page-track' | 'player-track'): YouTubeJob {
    return { kind, videoId: this.video.id, language: this.options.language };
  }

  /** One of YouTube's answers, read in the parse process with the limits of a file's parse. */
  private async parse<T>(job: YouTubeJob, bytes: Uint8Array): Promise<T> {
    const { maxBytes, parser } = this.options;
    const limits = { maxExpandedBytes: parser.maxExpandedBytes, maxTextBytes: maxBytes };
    const { value } = await parseInProcess(
      { kind: 'youtube', job, bytes, limits },
      { ...parser, maxTextBytes: maxBytes, signal: this.signal },
    );
    return value as T;
  }

  /** Any YouTube request, sent to the configured base URL, its answer read within RECAP_MAX_FILE_BYTES. */
  private async get(url: string, params?: FetchParams): Promise<Answer> {
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
        ...(this.options.language ? { 'accept-language': this.options.language } : {}),
      },
      signal: this.signal,
    });
    const { maxBytes } = this.options;
    const bytes = await readCapped(response.body, {
      maxBytes,
      signal: this.signal,
      tooLarge: () =>
        new RecapError(
          'input_too_large',
          `YouTube sent more than ${formatBytes(maxBytes)} for the video ${this.video.id}, the most recap reads (RECAP_MAX_FILE_BYTES). Upload the transcript as a file instead.`,
        ),
    });
    return { status: response.status, ok: response.ok, bytes };
  }
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}
