import { z } from 'zod';
import { RecapError } from '../errors.js';

/** The parts of YouTube's player response recap reads (InnerTube /player, or ytInitialPlayerResponse). */
const CaptionTrack = z
  .object({
    baseUrl: z.string(),
    languageCode: z.string(),
    kind: z.string().optional(),
    name: z.unknown().optional(),
    vssId: z.string().optional(),
  })
  .loose();
export type CaptionTrack = z.infer<typeof CaptionTrack>;

export const PlayerResponse = z
  .object({
    playabilityStatus: z.object({ status: z.string(), reason: z.string().optional() }).loose().optional(),
    videoDetails: z
      .object({ title: z.string().optional(), author: z.string().optional() })
      .loose()
      .optional(),
    captions: z
      .object({
        playerCaptionsTracklistRenderer: z
          .object({ captionTracks: z.array(CaptionTrack).optional() })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type PlayerResponse = z.infer<typeof PlayerResponse>;

const UPLOAD_INSTEAD =
  'Download the transcript (YouTube: ⋯ → Show transcript) and upload it as a file instead.';

/** Throws the error that tells the truth about why a video cannot be read; returns its caption tracks. */
export function captionTracksOf(player: PlayerResponse, videoId: string): CaptionTrack[] {
  const status = player.playabilityStatus?.status ?? 'OK';
  const reason = player.playabilityStatus?.reason ?? '';
  if (status !== 'OK') throw playabilityError(status, reason, videoId);
  const tracks = player.captions?.playerCaptionsTracklistRenderer?.captionTracks ?? [];
  if (tracks.length === 0) {
    throw new RecapError(
      'captions_unavailable',
      `The YouTube video ${videoId} has no captions (they are turned off, or none were made), so there is no transcript to summarize. ${UPLOAD_INSTEAD}`,
    );
  }
  return tracks;
}

function playabilityError(status: string, reason: string, videoId: string): RecapError {
  if (/not a bot|unusual traffic/i.test(reason))
    return youtubeBlocked('it asks recap to sign in to prove it is not a bot');
  if (/private/i.test(reason)) {
    return new RecapError(
      'video_unavailable',
      `The YouTube video ${videoId} is private, so recap cannot read it. ${UPLOAD_INSTEAD}`,
    );
  }
  if (/inappropriate|confirm your age|age/i.test(reason)) {
    return new RecapError(
      'video_unavailable',
      `The YouTube video ${videoId} is age-restricted: YouTube only shows it to signed-in viewers, which recap is not. ${UPLOAD_INSTEAD}`,
    );
  }
  if (status === 'LOGIN_REQUIRED') {
    return new RecapError(
      'video_unavailable',
      `The YouTube video ${videoId} needs a signed-in viewer (${reason || 'login required'}). ${UPLOAD_INSTEAD}`,
    );
  }
  return new RecapError(
    'video_unavailable',
    `The YouTube video ${videoId} is unavailable${reason ? ` ("${reason}")` : ''}: it may have been removed, or be blocked where recap runs. Check the link.`,
  );
}

export function youtubeBlocked(detail: string): RecapError {
  return new RecapError(
    'youtube_blocked',
    `YouTube refused to give recap the captions: ${detail}. This happens to servers YouTube considers automated; try again later. ${UPLOAD_INSTEAD}`,
  );
}

/**
 * The best track for the reader: in the requested language first, then the video's own; within a
 * language, captions written by people before auto-generated ones (`kind: "asr"`).
 */
export function rankTracks(tracks: readonly CaptionTrack[], language: string | undefined): CaptionTrack[] {
  const wanted = language?.toLowerCase().split('-')[0];
  const score = (track: CaptionTrack): number => {
    const code = track.languageCode.toLowerCase();
    const languageScore =
      wanted && (code === language?.toLowerCase() || code.split('-')[0] === wanted) ? 0 : 2;
    return languageScore + (track.kind === 'asr' ? 1 : 0);
  };
  return [...tracks]
    .map((track, index) => ({ track, index }))
    .sort((a, b) => score(a.track) - score(b.track) || a.index - b.index)
    .map(({ track }) => track);
}

/** A PO token is required when YouTube marks the caption URL with `exp=xpe`; the body then comes back empty. */
export function needsPoToken(track: CaptionTrack): boolean {
  return /[?&]exp=xpe(?:&|$)/.test(track.baseUrl);
}

/** ytInitialPlayerResponse from a watch page, the fallback when the InnerTube API fails. */
export function playerFromWatchPage(html: string): PlayerResponse | undefined {
  const marker = html.indexOf('ytInitialPlayerResponse = ');
  if (marker === -1) return undefined;
  const start = html.indexOf('{', marker);
  const end = matchingBrace(html, start);
  if (start === -1 || end === -1) return undefined;
  try {
    return PlayerResponse.parse(JSON.parse(html.slice(start, end + 1)));
  } catch {
    return undefined;
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}
