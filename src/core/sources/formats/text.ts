import { RecapError } from '../../errors.js';

/**
 * Decodes a text file the way people's files actually come: the byte-order mark decides (UTF-8,
 * UTF-16 LE or BE); without one, strict UTF-8, and when that fails, windows-1252 (what Windows
 * editors and older exports write).
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return decode('utf-8', bytes.subarray(3), name);
  if (startsWith(bytes, [0xff, 0xfe])) return decode('utf-16le', bytes.subarray(2), name);
  if (startsWith(bytes, [0xfe, 0xff])) return decode('utf-16be', bytes.subarray(2), name);
  if (looksBinary(bytes)) throw binaryFile(name);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// 0x80–0x9F in windows-1252 (the rest is ISO-8859-1). Decoded by hand: Node 20's TextDecoder treats
// the "windows-1252" label as ISO-8859-1 and turns “ ” — € into control characters.
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  bytes.forEach((byte, index) => {
    units[index] = byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH.charCodeAt(byte - 0x80) : byte;
  });
  return new TextDecoder('utf-16le').decode(units);
}

function decode(encoding: string, bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new RecapError(
      'unsupported_input',
      `${name} says it is ${encoding.toUpperCase()} text but is not. Save it again as UTF-8 text.`,
      {
        cause: error,
      },
    );
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Text files have no NUL bytes; executables, images and archives do, early on. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  return sample.includes(0);
}

export function binaryFile(name: string): RecapError {
  return new RecapError(
    'unsupported_input',
    `${name} is a binary file, not text. recap reads .txt, .md, .vtt, .srt, .docx, .pdf, .json and .html files.`,
  );
}

// Each pattern stops at the characters that could start another match (a bracket, a parenthesis, a
// line break), so no character is read more than a bounded number of times: `[^\]]*` would read to
// the end of the text from each of 200,000 "![" (quadratic).
const IMAGE = /!\[([^[\]]*)\]\([^()]*\)/g;
const LINK = /\[([^[\]]+)\]\([^()]*\)/g;
const HEADING_MARK = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
const RULE = /^[ \t]*[-*_]{3,}[ \t]*$/gm;
const FIRST_HEADING = /^[ \t]{0,3}#[ \t]+(\S.*)$/m;

/** Markdown read as the model should see it: the text, without link targets and image markup. */
export function markdownToText(markdown: string): string {
  return markdown.replace(IMAGE, '$1').replace(LINK, '$1').replace(HEADING_MARK, '').replace(RULE, '');
}

/** The text of a Markdown file's first level-one heading, if it has one. */
export function firstHeading(markdown: string): string | undefined {
  return FIRST_HEADING.exec(markdown)?.[1]?.trim();
}
