import { readFileSync } from 'node:fs';
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
