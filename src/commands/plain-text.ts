/**
 * Direction overrides and isolates (which can turn a line around: U+202A–U+202E, U+2066–U+2069) and
 * invisible characters that hide text or split words and mentions (zero-width space, word joiner and
 * the invisible operators, the byte-order mark, the Mongolian vowel separator, the soft hyphen).
 * Zero-width (non-)joiners and direction marks stay: scripts and emoji need them.
 */
const HIDDEN = /[\u00AD\u180E\u200B\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Model or page text as one line of plain text: hidden characters removed, every run of space one space. */
export function oneLine(text: string): string {
  return text.replace(HIDDEN, '').replace(/\s+/g, ' ').trim();
}
