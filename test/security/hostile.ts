/**
 * Generators of hostile input, one per class of attack the security review found, each at any size
 * (in characters, roughly), and the parser each one is aimed at, called as recap calls it.
 */
import { findLinks } from '../../src/commands/links.js';
import type { FileFormat } from '../../src/core/sources/formats/detect.js';
import { parseFile } from '../../src/core/sources/parse-file.js';
import { parseTimedText } from '../../src/core/sources/youtube.js';

export interface HostileClass {
  name: string;
  make(size: number): string;
  parse(input: string): Promise<unknown> | unknown;
}

const CUE = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n';
const SRT_CUE = '1\n00:00:01,000 --> 00:00:02,000\n';
const times = (text: string, size: number) => text.repeat(Math.max(1, Math.floor(size / text.length)));

/** Parses text as a file of `format`, in this thread (the worker adds bounds, not speed). */
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
  {
    name: 'VTT voice tag with classes',
    make: (n) => `${CUE}<v${times('.a', n)}\n`,
    parse: asFile('vtt', 'a.vtt'),
  },
  { name: 'VTT cue of unclosed "<"', make: (n) => `${CUE}${times('<', n)}\n`, parse: asFile('vtt', 'a.vtt') },
  { name: 'VTT cue of many lines', make: (n) => `${CUE}${times('w\n', n)}`, parse: asFile('vtt', 'a.vtt') },
  {
    name: 'VTT many short cues',
    make: (n) => `WEBVTT\n\n${times('00:01.000 --> 00:02.000\nab\n\n', n)}`,
    parse: asFile('vtt', 'a.vtt'),
  },
  {
    name: 'SRT unclosed ASS codes',
    make: (n) => `${SRT_CUE}${times('{\\', n)}\n`,
    parse: asFile('srt', 'a.srt'),
  },
  {
    name: 'SRT speaker-like lines',
    make: (n) => `${SRT_CUE}${times('Ana Ana Ana Ana Ana Ana Ana Ana Ana:x', n)}\n`,
    parse: asFile('srt', 'a.srt'),
  },
  { name: 'Markdown "![" runs', make: (n) => times('![', n), parse: asFile('markdown', 'a.md') },
  { name: 'Markdown unclosed links', make: (n) => times('[a](', n), parse: asFile('markdown', 'a.md') },
  {
    name: 'Markdown heading marks over blank lines',
    make: (n) => `#${times('\n', n)}`,
    parse: asFile('markdown', 'a.md'),
  },
  {
    name: 'VTT entities without end',
    make: (n) => `${CUE}${times('&#1', n)}\n`,
    parse: asFile('vtt', 'a.vtt'),
  },
  {
    name: 'HTML nested elements',
    make: (n) => `<html><body>${times('<div>', n)}<p>text</p></body></html>`,
    parse: asFile('html', 'a.html'),
  },
  {
    name: 'HTML unclosed comments',
    make: (n) => `<html><body><p>text</p>${times('<!-', n)}`,
    parse: asFile('html', 'a.html'),
  },
  {
    name: 'HTML unclosed attribute quotes',
    make: (n) => `<html><body>${times('<a title="x" href=', n)}`,
    parse: asFile('html', 'a.html'),
  },
  {
    name: 'HTML flat paragraphs',
    make: (n) =>
      `<html><body>${times('<div class="c"><p>word word word word word.</p></div>', n)}</body></html>`,
    parse: asFile('html', 'a.html'),
  },
  { name: 'HTML without tags', make: (n) => times('text &amp; more ', n), parse: asFile('html', 'a.html') },
  {
    name: 'JSON nested arrays',
    make: (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`,
    parse: asFile('json', 'a.json'),
  },
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
