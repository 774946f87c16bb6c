import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { HTML_LIMITS, prepassHtml } from './html-prepass.js';

export interface Article {
  title?: string;
  text: string;
  language?: string;
}

const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, figcaption, td, th, dt, dd';

/**
 * The readable text of a web page: Mozilla's Readability (Firefox Reader View) over linkedom, a
 * fast server-side DOM, after a linear pre-pass that bounds what the DOM is given (see
 * `prepassHtml`). A page without tags, or too large for the DOM, is read as plain text. Paragraphs
 * stay paragraphs. Undefined when the page has no article.
 */
export function extractArticle(html: string, url?: string, limits = HTML_LIMITS): Article | undefined {
  const prepassed = prepassHtml(html, limits);
  if (prepassed.kind === 'text') return prepassed.text === '' ? undefined : { text: prepassed.text };
  const { document } = parseHTML(prepassed.html);
  if (url) setBase(document, url);
  const language = document.documentElement?.getAttribute('lang') ?? undefined;
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
    charThreshold: 200,
  }).parse();
  if (!article?.content) return undefined;
  const text = blocksToText(article.content) || (article.textContent ?? '').trim();
  if (text === '') return undefined;
  return {
    ...(article.title ? { title: article.title.trim() } : {}),
    text,
    ...(language || article.lang ? { language: (language || article.lang) ?? '' } : {}),
  };
}

function blocksToText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = [...document.querySelectorAll(BLOCKS)]
    // A block inside another block (a <p> in an <li>) is read with its parent.
    .filter((element) => !element.parentElement?.closest(BLOCKS))
    .map((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter((text) => text !== '');
  return blocks.join('\n\n');
}

function setBase(document: ReturnType<typeof parseHTML>['document'], url: string): void {
  const head = document.querySelector('head');
  if (head && !document.querySelector('base')) {
    const base = document.createElement('base');
    base.setAttribute('href', url);
    head.prepend(base);
  }
}
