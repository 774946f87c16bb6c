/**
 * A one-pass HTML tokenizer for the pre-pass in front of the DOM. Every search starts where the last
 * one ended, so the source is read once, in time linear in its length, whatever it holds (unclosed
 * comments, tags or quotes included). It follows the HTML tokenizer where that matters for reading
 * text (https://html.spec.whatwg.org/multipage/parsing.html#tokenization): comments, doctypes and
 * processing instructions are skipped, raw-text elements (script, style, …) end only at their own
 * end tag, and a tag cut off by the end of the file is dropped.
 */

export type Token =
  | { kind: 'text'; text: string }
  | { kind: 'start'; name: string; attributes: [string, string][]; selfClosing: boolean }
  | { kind: 'end'; name: string };

/** Elements whose content is not markup: it runs to the matching end tag. */
export const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
]);

const NAME_CHAR = /[a-zA-Z0-9:_-]/;

/** Calls `onToken` for each token of `source`, in order; stops early when it returns false. */
export function tokenize(source: string, onToken: (token: Token) => boolean): void {
  let i = 0;
  const emitText = (end: number) => (end > i ? onToken({ kind: 'text', text: source.slice(i, end) }) : true);
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt === -1) {
      emitText(source.length);
      return;
    }
    if (!emitText(lt)) return;
    const next = source[lt + 1] ?? '';
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      if (end === -1) return;
      i = end + 3;
    } else if (next === '!' || next === '?') {
      const end = source.indexOf('>', lt);
      if (end === -1) return;
      i = end + 1;
    } else if (next === '/' && /[a-zA-Z]/.test(source[lt + 2] ?? '')) {
      const end = source.indexOf('>', lt);
      if (end === -1) return;
      if (!onToken({ kind: 'end', name: readName(source, lt + 2).toLowerCase() })) return;
      i = end + 1;
    } else if (/[a-zA-Z]/.test(next)) {
      const tag = readStartTag(source, lt + 1);
      if (!tag) return;
      if (!onToken(tag.token)) return;
      i = tag.end;
      if (RAW_TEXT.has(tag.token.name) && !tag.token.selfClosing) {
        const close = findEndTag(source, i, tag.token.name);
        if (!onToken({ kind: 'text', text: source.slice(i, close.start) })) return;
        if (!onToken({ kind: 'end', name: tag.token.name })) return;
        i = close.end;
      }
    } else {
      // A "<" that starts no tag is text.
      if (!onToken({ kind: 'text', text: '<' })) return;
      i = lt + 1;
    }
  }
}

function readName(source: string, from: number): string {
  let end = from;
  while (end < source.length && NAME_CHAR.test(source[end] ?? '')) end++;
  return source.slice(from, end);
}

/** Reads `name attr="v" attr='v' attr=v attr>` from just after the `<`; undefined at the end of input. */
function readStartTag(
  source: string,
  from: number,
): { token: Extract<Token, { kind: 'start' }>; end: number } | undefined {
  const name = readName(source, from).toLowerCase();
  const attributes: [string, string][] = [];
  let i = from + name.length;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (char === '>') {
      const selfClosing = source[i - 1] === '/';
      return { token: { kind: 'start', name, attributes, selfClosing }, end: i + 1 };
    }
    if (/[\s/]/.test(char)) {
      i++;
      continue;
    }
    const attribute = readAttribute(source, i);
    if (!attribute) return undefined;
    attributes.push([attribute.name, attribute.value]);
    i = attribute.end;
  }
  return undefined;
}

function readAttribute(
  source: string,
  from: number,
): { name: string; value: string; end: number } | undefined {
  let i = from;
  while (i < source.length && !/[\s/>=]/.test(source[i] ?? '')) i++;
  const name = source.slice(from, i).toLowerCase();
  while (/\s/.test(source[i] ?? '')) i++;
  if (source[i] !== '=') return { name, value: '', end: i };
  i++;
  while (/\s/.test(source[i] ?? '')) i++;
  const quote = source[i];
  if (quote === '"' || quote === "'") {
    const close = source.indexOf(quote, i + 1);
    if (close === -1) return undefined;
    return { name, value: source.slice(i + 1, close), end: close + 1 };
  }
  const start = i;
  while (i < source.length && !/[\s>]/.test(source[i] ?? '')) i++;
  return { name, value: source.slice(start, i), end: i };
}

/** Where `</name` (any case) starts after `from`, and where its tag ends; the end of input if never. */
function findEndTag(source: string, from: number, name: string): { start: number; end: number } {
  for (let at = source.indexOf('</', from); at !== -1; at = source.indexOf('</', at + 2)) {
    if (source.slice(at + 2, at + 2 + name.length).toLowerCase() !== name) continue;
    if (NAME_CHAR.test(source[at + 2 + name.length] ?? '')) continue;
    const end = source.indexOf('>', at);
    return { start: at, end: end === -1 ? source.length : end + 1 };
  }
  return { start: source.length, end: source.length };
}
