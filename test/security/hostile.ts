/**
 * Generators of hostile input, one per class of attack the security review found, each at any size
 * (in characters, roughly), and the parser each one is aimed at, called as recap calls it.
 */
import { findLinks } from '../../src/commands/links.js';
import type { FileFormat } from '../../src/core/sources/formats/detect.js';
import { parseFile } from '../../src/core/sources/parse-file.js';
import { parseTimedText } from '../../src/core/sources/youtube-answers.js';

export interface HostileClass {
  name: string;
  make(size: number): string;
  parse(input: string): Promise<unknown> | unknown;
  /** The file name it is read as, for a class that is a file (the others are chat or YouTube text). */
  fileName?: string;
}

const CUE = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n';
const SRT_CUE = '1\n00:00:01,000 --> 00:00:02,000\n';
const times = (text: string, size: number) => text.repeat(Math.max(1, Math.floor(size / text.length)));

/** A class of hostile file, parsed in this thread (the parse process adds bounds, not speed). */
function file(
  name: string,
  format: FileFormat,
  fileName: string,
  make: (size: number) => string,
): HostileClass {
  return { name, make, fileName, parse: asFile(format, fileName) };
}

function asFile(format: FileFormat, name: string) {
  return (input: string) =>
    parseFile({
      format,
      name,
      bytes: Buffer.from(input),
      source: { kind: 'file', name },
      limits: { maxExpandedBytes: 1e9, maxTextBytes: 1e9 },
    }).catch((error: unknown) => error);
}

export const HOSTILE: HostileClass[] = [
  file('VTT voice tag with classes', 'vtt', 'a.vtt', (n) => `${CUE}<v${times('.a', n)}\n`),
  file('VTT cue of unclosed "<"', 'vtt', 'a.vtt', (n) => `${CUE}${times('<', n)}\n`),
  file('VTT cue of many lines', 'vtt', 'a.vtt', (n) => `${CUE}${times('w\n', n)}`),
  file(
    'VTT many short cues',
    'vtt',
    'a.vtt',
    (n) => `WEBVTT\n\n${times('00:01.000 --> 00:02.000\nab\n\n', n)}`,
  ),
  file('SRT unclosed ASS codes', 'srt', 'a.srt', (n) => `${SRT_CUE}${times('{\\', n)}\n`),
  file(
    'SRT speaker-like lines',
    'srt',
    'a.srt',
    (n) => `${SRT_CUE}${times('Ana Ana Ana Ana Ana Ana Ana Ana Ana:x', n)}\n`,
  ),
  file('Markdown "![" runs', 'markdown', 'a.md', (n) => times('![', n)),
  file('Markdown unclosed links', 'markdown', 'a.md', (n) => times('[a](', n)),
  file('Markdown heading marks over blank lines', 'markdown', 'a.md', (n) => `#${times('\n', n)}`),
  file('VTT entities without end', 'vtt', 'a.vtt', (n) => `${CUE}${times('&#1', n)}\n`),
  file(
    'HTML nested elements',
    'html',
    'a.html',
    (n) => `<html><body>${times('<div>', n)}<p>text</p></body></html>`,
  ),
  file('HTML unclosed comments', 'html', 'a.html', (n) => `<html><body><p>text</p>${times('<!-', n)}`),
  file(
    'HTML unclosed attribute quotes',
    'html',
    'a.html',
    (n) => `<html><body>${times('<a title="x" href=', n)}`,
  ),
  file(
    'HTML flat paragraphs',
    'html',
    'a.html',
    (n) => `<html><body>${times('<div class="c"><p>word word word word word.</p></div>', n)}</body></html>`,
  ),
  file('HTML without tags', 'html', 'a.html', (n) => times('text &amp; more ', n)),
  file('JSON nested arrays', 'json', 'a.json', (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`),
  {
    name: 'Chat link and closing parentheses',
    make: (n) => `http://a.example${times(')', n)}`,
    parse: findLinks,
  },
  {
    name: 'Chat link, parentheses, then a letter',
    make: (n) => `http://a.example${times(')', n)}x`,
    parse: findLinks,
  },
  {
    name: 'YouTube timed text without end tags',
    make: (n) => times('<text start="1" dur="1">a', n),
    parse: parseTimedText,
  },
];
