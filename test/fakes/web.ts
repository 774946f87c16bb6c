import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fixturePath } from '../helpers/fixtures.js';
import { listenLocal } from './http.js';

/** A web server for link tests: pages by path, with the content types real servers send. */
export const PAGES: Record<string, { type: string; body: () => Buffer }> = {
  '/news/bike-lanes': {
    type: 'text/html; charset=utf-8',
    body: () => readFileSync(fixturePath('pages/news-article.html')),
  },
  '/notes.txt': {
    type: 'text/plain; charset=utf-8',
    body: () => Buffer.from('Plain notes: ship on Monday.\nBudget approved.'),
  },
  '/readme.md': { type: 'text/markdown', body: () => readFileSync(fixturePath('files/notes.md')) },
  '/report.pdf': { type: 'application/pdf', body: () => readFileSync(fixturePath('files/report.pdf')) },
  '/talk.vtt': { type: 'text/vtt', body: () => readFileSync(fixturePath('files/teams-meeting.vtt')) },
  '/huge-title': {
    type: 'text/html; charset=utf-8',
    body: () =>
      Buffer.from(
        // Readability prefers a page's metadata title, and keeps it however long it is.
        readFileSync(fixturePath('pages/news-article.html'), 'utf8').replace(
          'content="City council approves bike lane network"',
          `content="${'Bike lanes everywhere '.repeat(4000)}"`,
        ),
      ),
  },
  '/image.png': { type: 'image/png', body: () => Buffer.from('\x89PNG\r\n\x1a\n') },
};

export async function startFakeWeb(options: { hangOn?: string } = {}) {
  const requests: string[] = [];
  const local = await listenLocal((request, response) => {
    requests.push(request.url ?? '');
    if (options.hangOn && request.url === options.hangOn) return; // never answers
    const page = PAGES[new URL(request.url ?? '/', 'http://x').pathname];
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/html' });
      return void response.end('<h1>Not found</h1>');
    }
    response.writeHead(200, { 'content-type': page.type });
    response.end(page.body());
  });
  return { ...local, requests };
}

/**
 * A server that answers every request with a body sent one byte every `intervalMs`, never ending:
 * each gap is short, so only a total deadline stops a client. `outcomeOf` runs a read against it
 * with garbage collections forced every 10 ms (AbortSignal.timeout inside AbortSignal.any can be
 * collected before it fires on Node 20, nodejs/node#57736), and resolves with the read's error
 * message, or "still reading" once the server has dripped for 20 times the read's time limit.
 */
export async function startDrippingServer(intervalMs = 50) {
  let drips = 0;
  const local = await listenLocal((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => {
      drips++;
      response.write(' ');
    }, intervalMs);
    response.on('close', () => clearInterval(timer));
  });
  async function outcomeOf(read: () => Promise<unknown>, timeoutMs: number): Promise<string> {
    setFlagsFromString('--expose-gc');
    const collector = setInterval(runInNewContext('gc') as () => void, 10);
    const start = drips;
    let watch: NodeJS.Timeout | undefined;
    try {
      const reading = read().then(
        () => 'finished',
        (error: { userMessage?: string }) => error.userMessage ?? String(error),
      );
      const hung = new Promise<string>((resolve) => {
        watch = setInterval(() => {
          if (drips - start > (20 * timeoutMs) / intervalMs) resolve('still reading');
        }, intervalMs);
      });
      return await Promise.race([reading, hung]);
    } finally {
      clearInterval(watch);
      clearInterval(collector);
    }
  }
  return { ...local, outcomeOf };
}
