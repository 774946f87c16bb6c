/**
 * A local stand-in for the three YouTube endpoints recap's caption reader uses: the watch page
 * (which carries the InnerTube API key and ytInitialPlayerResponse), the InnerTube `player` API and
 * the timed-text captions. Responses follow the shapes YouTube sends (playabilityStatus statuses and
 * reasons, captionTracks with baseUrl, languageCode, kind "asr", the `exp=xpe` marker of captions that
 * need a proof-of-origin token, and timed text XML); they are written for these tests, not captured.
 */
import { listenLocal, sendJson } from './http.js';

interface Track {
  languageCode: string;
  kind?: 'asr';
  name: string;
  /** Caption lines as [start seconds, text]. */
  lines: [number, string][];
  needsPoToken?: boolean;
}

interface Scenario {
  title?: string;
  playability?: { status: string; reason?: string };
  tracks?: Track[];
  watchStatus?: number;
  captcha?: boolean;
  playerStatus?: number;
  emptyCaptions?: boolean;
  srv3?: boolean;
}

const MEMO_LINES: [number, string][] = [
  [0.16, 'google has no mode and neither does open AI'],
  [2.88, 'this is from a leaked document from inside Google'],
  [5.76, 'talking about how open source large language models'],
  [8.4, 'have completely changed the game &amp;#39;seriously&amp;#39;'],
];

/** Later in the same video, after a pause: recap merges captions into paragraphs, this is a second one. */
const LATER_LINES: [number, string][] = [
  [41.04, 'the memo argues that open models now improve faster'],
  [44.52, 'because thousands of people experiment with them cheaply'],
  [48.2, 'so the advantage of the large labs shrinks every month'],
];

export const SCENARIOS: Record<string, Scenario> = {
  okManualEn1: {
    title: 'Leaked Internal Google AI Memo',
    tracks: [
      {
        languageCode: 'en',
        kind: 'asr',
        name: 'English (auto-generated)',
        lines: [[0, 'auto generated words']],
      },
      { languageCode: 'en', name: 'English', lines: [...MEMO_LINES, ...LATER_LINES] },
      { languageCode: 'de', name: 'Deutsch', lines: [[0.5, 'Google hat keinen Burggraben']] },
    ],
  },
  autoOnly0001: {
    title: 'Auto only',
    tracks: [{ languageCode: 'en', kind: 'asr', name: 'English (auto-generated)', lines: MEMO_LINES }],
  },
  noCaptions1: { title: 'A silent film' },
  privateVid1: { playability: { status: 'LOGIN_REQUIRED', reason: 'This video is private' } },
  ageRestrict: {
    playability: { status: 'LOGIN_REQUIRED', reason: 'This video may be inappropriate for some users.' },
  },
  botCheck001: { playability: { status: 'LOGIN_REQUIRED', reason: 'Sign in to confirm you’re not a bot' } },
  unavailable: { playability: { status: 'ERROR', reason: 'This video is unavailable' } },
  rateLimit01: { watchStatus: 429 },
  captchaPage: { captcha: true },
  poToken0001: {
    title: 'Needs a token',
    tracks: [{ languageCode: 'en', name: 'English', lines: MEMO_LINES, needsPoToken: true }],
  },
  emptyBody01: {
    title: 'Empty',
    tracks: [{ languageCode: 'en', name: 'English', lines: MEMO_LINES }],
    emptyCaptions: true,
  },
  fallback001: {
    title: 'Player API down',
    playerStatus: 500,
    srv3: true,
    tracks: [{ languageCode: 'en', name: 'English', lines: MEMO_LINES }],
  },
};

export interface FakeYouTube {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeYouTube(): Promise<FakeYouTube> {
  const requests: string[] = [];
  const local = await listenLocal((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/watch') {
      const id = url.searchParams.get('v') ?? '';
      const scenario = SCENARIOS[id];
      if (!scenario) return sendJson(response, 404, {});
      if (scenario.watchStatus) {
        response.writeHead(scenario.watchStatus, { 'content-type': 'text/html' });
        return void response.end('<html><body>Too Many Requests</body></html>');
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (scenario.captcha) {
        return void response.end(
          '<html><body><form><div class="g-recaptcha" data-sitekey="x"></div></form></body></html>',
        );
      }
      return void response.end(watchPage(id, scenario, `http://${request.headers.host}`));
    }
    if (url.pathname === '/youtubei/v1/player' && request.method === 'POST') {
      const id = currentVideo(requests);
      const scenario = SCENARIOS[id];
      if (!scenario)
        return sendJson(response, 400, { error: { code: 400, message: 'Precondition check failed.' } });
      if (scenario.playerStatus)
        return sendJson(response, scenario.playerStatus, { error: { code: scenario.playerStatus } });
      return sendJson(response, 200, player(id, scenario, 'https://www.youtube.com'));
    }
    if (url.pathname === '/api/timedtext') {
      const scenario = SCENARIOS[url.searchParams.get('v') ?? ''];
      const track = scenario?.tracks?.find(
        (t) =>
          t.languageCode === url.searchParams.get('lang') &&
          (t.kind ?? '') === (url.searchParams.get('kind') ?? ''),
      );
      response.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
      if (!scenario || !track || scenario.emptyCaptions || track.needsPoToken) return void response.end('');
      return void response.end(scenario.srv3 ? srv3(track) : timedText(track));
    }
    sendJson(response, 404, {});
  });
  return { url: local.url, requests, close: local.close };
}

/** The player call carries the video id in its JSON body; the test server reads it from the last watch request. */
function currentVideo(requests: readonly string[]): string {
  const watch = [...requests].reverse().find((line) => line.startsWith('GET /watch?v='));
  return watch ? (new URL(watch.slice(4), 'http://x').searchParams.get('v') ?? '') : '';
}

function player(id: string, scenario: Scenario, origin: string) {
  return {
    responseContext: { visitorData: 'Cgt0ZXN0', maxAgeSeconds: 0 },
    playabilityStatus: scenario.playability ?? { status: 'OK', playableInEmbed: true },
    ...(scenario.playability?.status === 'ERROR'
      ? {}
      : {
          videoDetails: {
            videoId: id,
            title: scenario.title ?? 'Untitled',
            lengthSeconds: '316',
            author: 'A Channel',
            isPrivate: scenario.playability?.reason?.includes('private') ?? false,
          },
        }),
    ...(scenario.tracks
      ? {
          captions: {
            playerCaptionsTracklistRenderer: {
              captionTracks: scenario.tracks.map((track) => ({
                baseUrl: `${origin}/api/timedtext?v=${id}&ei=abc&caps=asr&opi=112496729&xoaf=5&hl=en&ip=0.0.0.0&ipbits=0&expire=1749676582&sparams=ip%2Cipbits%2Cexpire%2Cv%2Cei%2Ccaps%2Copi%2Cxoaf&signature=ABC&key=yt8${track.kind ? `&kind=${track.kind}` : ''}&lang=${track.languageCode}${track.needsPoToken ? '&exp=xpe' : ''}&fmt=srv3`,
                name: { runs: [{ text: track.name }] },
                vssId: `${track.kind === 'asr' ? 'a' : ''}.${track.languageCode}`,
                languageCode: track.languageCode,
                ...(track.kind ? { kind: track.kind } : {}),
                isTranslatable: true,
                trackName: '',
              })),
              audioTracks: [{ captionTrackIndices: [0] }],
              defaultAudioTrackIndex: 0,
            },
          },
        }
      : {}),
  };
}

function watchPage(id: string, scenario: Scenario, origin: string): string {
  return `<!DOCTYPE html><html lang="en"><head><title>${scenario.title ?? ''} - YouTube</title>
<script nonce="x">ytcfg.set({"INNERTUBE_API_KEY":"AIzaSyFakeKeyForTests","INNERTUBE_CONTEXT_CLIENT_NAME":1});</script>
</head><body><div id="player"></div>
<script nonce="x">var ytInitialPlayerResponse = ${JSON.stringify(player(id, scenario, origin))};var meta = document.createElement('meta');</script>
</body></html>`;
}

function timedText(track: Track): string {
  const lines = track.lines
    .map(([start, text]) => `<text start="${start}" dur="2.7">${text}</text>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8" ?><transcript>${lines}</transcript>`;
}

function srv3(track: Track): string {
  const lines = track.lines
    .map(
      ([start, text]) =>
        `<p t="${Math.round(start * 1000)}" d="2700"><s>${text.split(' ').join('</s><s> ')}</s></p>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8" ?><timedtext format="3"><body>\n${lines}\n</body></timedtext>`;
}
