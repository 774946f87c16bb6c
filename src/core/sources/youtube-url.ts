/** A YouTube video named by a link, and where in it the link points. */
export interface YouTubeVideo {
  id: string;
  startSeconds?: number;
}

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const HOSTS = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'music.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
  'youtu.be',
]);
const PATH_FORMS = /^\/(?:shorts|embed|live|v|e)\/([A-Za-z0-9_-]{11})(?:[/?#]|$)/;

/** Reads watch, youtu.be, shorts, embed, live and m. links, with `t=` / `start=` and `si=`. */
export function parseYouTubeUrl(url: URL): YouTubeVideo | undefined {
  const host = url.hostname.toLowerCase();
  if (!HOSTS.has(host)) return undefined;
  let id: string | undefined;
  if (host === 'youtu.be') id = url.pathname.slice(1).split('/')[0];
  else if (url.pathname === '/watch') id = url.searchParams.get('v') ?? undefined;
  else id = PATH_FORMS.exec(url.pathname)?.[1];
  if (!id || !VIDEO_ID.test(id)) return undefined;
  const start = parseStart(url.searchParams.get('t') ?? url.searchParams.get('start') ?? hashTime(url.hash));
  return { id, ...(start === undefined ? {} : { startSeconds: start }) };
}

/** `90`, `90s`, `1m30s`, `1h2m3s`. */
function parseStart(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+s?$/.test(value)) return Number.parseInt(value, 10);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || value === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

function hashTime(hash: string): string | undefined {
  return /^#t=(.+)$/.exec(hash)?.[1];
}

export function watchUrl(video: YouTubeVideo): string {
  return `https://www.youtube.com/watch?v=${video.id}`;
}
