import { type Token, tokenize } from './html-tokens.js';
import { decodeEntities } from './markup.js';

/**
 * What the DOM and Readability are given, bounded. Readability over linkedom grew far faster than
 * its input: 2,000 nested <div> (22 KB) took 50 s, 10,000 overflowed the stack, and a 17 MB flat
 * page took 47 s and 1.5 GB. The pre-pass hands the DOM a page without scripts, styles and
 * attributes Readability does not read, at most `maxDepth` elements deep (deeper tags are dropped,
 * their text kept), and no more than `maxChars` of markup; a page still larger is read as plain text.
 */
export const HTML_LIMITS = { maxDepth: 64, maxChars: 1_500_000 };

/** Elements dropped with everything inside them: nothing in them is article text. */
const DROPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'iframe',
  'noembed',
  'noframes',
  'xmp',
  'svg',
  'math',
  'select',
  'button',
  'canvas',
  'video',
  'audio',
  'object',
  'map',
]);
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Void elements worth keeping: line breaks, rules, images (Readability weighs them), metadata. */
const KEPT_VOID = new Set(['br', 'hr', 'img', 'meta']);
/** Attributes Readability reads: scoring (class, id), visibility, metadata, bylines, links, language. */
const KEPT_ATTRIBUTES = new Set([
  'class',
  'id',
  'lang',
  'dir',
  'name',
  'property',
  'content',
  'itemprop',
  'role',
  'hidden',
  'aria-hidden',
  'rel',
  'href',
  'datetime',
  'alt',
]);
const MAX_ATTRIBUTE_CHARS = 1000;
/** Start tags that end an open <p>, as the HTML tree builder does ("close a p element"). */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'div',
  'dl',
  'fieldset',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'ul',
  'li',
]);
/** An element that ends an open one of the same kind (or its siblings): <li>, table cells, <dt>/<dd>. */
const CLOSES_SIBLING: Record<string, readonly string[]> = {
  li: ['li'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
  tr: ['tr', 'td', 'th'],
  td: ['td', 'th'],
  th: ['td', 'th'],
  option: ['option'],
};

export type Prepassed = { kind: 'html'; html: string } | { kind: 'text'; text: string };

/**
 * The page simplified for the DOM, or, when it has no tags at all or is too large even simplified,
 * its text (entities decoded, one paragraph per block). Linear in the length of the page.
 */
export function prepassHtml(source: string, limits = HTML_LIMITS): Prepassed {
  const simplified = simplify(source, limits);
  if (simplified.hasTags && !simplified.tooLarge) return { kind: 'html', html: simplified.html };
  return { kind: 'text', text: plainText(source) };
}

function simplify(source: string, limits: typeof HTML_LIMITS) {
  const out: string[] = [];
  let length = 0;
  let hasTags = false;
  let tooLarge = false;
  const open: string[] = [];
  const suppressed = new Map<string, number>();
  let dropped: { name: string; depth: number } | undefined;
  const write = (text: string) => {
    out.push(text);
    length += text.length;
    tooLarge = length > limits.maxChars;
    return !tooLarge;
  };
  const closeTop = () => write(`</${open.pop()}>`);

  tokenize(source, (token) => {
    if (token.kind !== 'text') hasTags = true;
    if (dropped) {
      dropped = stillDropped(dropped, token);
      return true;
    }
    if (token.kind === 'text') return write(token.text.replaceAll('<', '&lt;'));
    if (token.kind === 'end') {
      const pending = suppressed.get(token.name) ?? 0;
      if (pending > 0) {
        suppressed.set(token.name, pending - 1);
        return true;
      }
      const index = open.lastIndexOf(token.name);
      while (index !== -1 && open.length > index) if (!closeTop()) return false;
      return true;
    }
    if (DROPPED.has(token.name)) {
      if (!token.selfClosing) dropped = { name: token.name, depth: 1 };
      return true;
    }
    if (VOID.has(token.name)) return KEPT_VOID.has(token.name) ? write(startTag(token)) : true;
    if (!closeImplied(open, token.name, closeTop)) return false;
    if (open.length >= limits.maxDepth) {
      suppressed.set(token.name, (suppressed.get(token.name) ?? 0) + 1);
      return true;
    }
    open.push(token.name);
    return write(startTag(token));
  });
  while (open.length > 0 && !tooLarge) closeTop();
  return { html: out.join(''), hasTags, tooLarge };
}

/** Inside a dropped element, counts its own nested start and end tags to find where it ends. */
function stillDropped(
  dropped: { name: string; depth: number },
  token: Token,
): { name: string; depth: number } | undefined {
  if (token.kind === 'start' && token.name === dropped.name && !token.selfClosing)
    return { ...dropped, depth: dropped.depth + 1 };
  if (token.kind === 'end' && token.name === dropped.name)
    return dropped.depth === 1 ? undefined : { ...dropped, depth: dropped.depth - 1 };
  return dropped;
}

/** Ends the elements the new one implicitly closes; false when the output is full. */
function closeImplied(open: string[], name: string, closeTop: () => boolean): boolean {
  const siblings = CLOSES_SIBLING[name];
  if (siblings?.includes(open.at(-1) ?? '')) return closeTop();
  if (CLOSES_P.has(name) && open.at(-1) === 'p') return closeTop();
  return true;
}

function startTag(token: Extract<Token, { kind: 'start' }>): string {
  const kept = token.attributes
    .filter(([name]) => KEPT_ATTRIBUTES.has(name))
    .map(([name, value]) => ` ${name}="${value.slice(0, MAX_ATTRIBUTE_CHARS).replaceAll('"', '&quot;')}"`);
  return `<${token.name}${kept.join('')}>`;
}

const BLOCK_BREAKS = new Set([
  ...CLOSES_P,
  'br',
  'tr',
  'td',
  'th',
  'dt',
  'dd',
  'title',
  'caption',
  'figcaption',
]);

/** The text of a page, without the DOM: one paragraph per block, entities decoded. */
function plainText(source: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let dropped: { name: string; depth: number } | undefined;
  const flush = () => {
    const paragraph = decodeEntities(current.join('')).replace(/\s+/g, ' ').trim();
    if (paragraph !== '') paragraphs.push(paragraph);
    current = [];
  };
  tokenize(source, (token) => {
    if (dropped) dropped = stillDropped(dropped, token);
    else if (token.kind === 'text') current.push(token.text);
    else if (token.kind === 'start' && DROPPED.has(token.name) && !token.selfClosing)
      dropped = { name: token.name, depth: 1 };
    else if (BLOCK_BREAKS.has(token.name)) flush();
    return true;
  });
  flush();
  return paragraphs.join('\n\n');
}
