/**
 * Small readers of markup inside caption and subtitle text. Each is linear in its input: the patterns
 * cannot backtrack over what they already read (test/security checks every pattern in src/).
 */

/**
 * A tag: `<` then anything but angle brackets, then `>`. Excluding `<` inside keeps the scan linear
 * (with `[^>]*`, each of 200,000 `<` would read to the end of the line: quadratic); a stray `<` stays text.
 */
const TAG = /<[^<>]*>/g;

/** Removes HTML-like tags (`<i>`, `<c.colour>`, `<00:01:02.000>`, `<v Ana>`), keeping the words between them. */
export function stripTags(text: string): string {
  return text.replace(TAG, '');
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  lrm: '',
  rlm: '',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
};

/** `&name;`, `&#123;` or `&#x1F600;`, each part bounded in length. */
const ENTITY = /&(?:#(\d{1,8})|#[xX]([\da-fA-F]{1,7})|([a-zA-Z][a-zA-Z\d]{1,31}));/g;

/**
 * Decodes the character references captions and subtitles carry. A number that is no character (above
 * U+10FFFF, a lone surrogate, or zero) becomes U+FFFD, as HTML parsers do; unknown names stay as written.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? entity;
    return characterFor(
      decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16),
    );
  });
}

function characterFor(code: number): string {
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return valid ? String.fromCodePoint(code) : '\uFFFD';
}
