/**
 * Generators of hostile input, one per class of attack the security review found, each at any size
 * (in characters, roughly); the parser each one is aimed at, called as recap calls it; and what a
 * correct parse gives at every size (a result, or a clear refusal), so a parser that fails fast on
 * large input cannot pass for a linear one.
 */
import { findLinks } from '../../src/commands/links.js';
import { isRecapError } from '../../src/core/errors.js';
import { fileRequest } from '../../src/core/sources/file-document.js';
import type { FileFormat } from '../../src/core/sources/formats/detect.js';
import { parseFile } from '../../src/core/sources/parse-file.js';
import type { WorkerAnswer, WorkerRequest } from '../../src/core/sources/parse-protocol.js';
import { parseYouTubeAnswer, type YouTubeJob } from '../../src/core/sources/youtube-answers.js';

export interface HostileClass {
  name: string;
  make(size: number): string;
  /** The parser, in this thread (the parse process adds bounds, not speed); it throws to refuse. */
  parse(input: string): unknown;
  /** What a correct parse of any size is described as (see `describeOutcome`). */
  outcome: RegExp;
  /**
   * What the parse process is asked, for a class parsed there (files, YouTube's answers); the others
   * run on the main thread over text capped before the scan (chat messages, at the platform's limit).
   */
  request?(input: string, limits?: RequestLimits): WorkerRequest;
  /** The file name it is read as, for a class that is a file (the others are chat or YouTube text). */
  fileName?: string;
}

/** The bounds the parse process applies to itself (its buffers, the text it keeps). */
export type RequestLimits = WorkerRequest['limits'];

/** A document with text, a list of what was found, or a refusal with its code and message. */
export async function describeOutcome(hostile: HostileClass, input: string): Promise<string> {
  try {
    return describeValue(await hostile.parse(input));
  } catch (error) {
    return isRecapError(error)
      ? `refused: ${error.code}: ${error.userMessage}`
      : `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The parse process's answer, described as `describeOutcome` describes a parse in this thread. */
export function describeAnswer(answer: WorkerAnswer): string {
  if (answer.ok) return describeValue(answer.value);
  return 'code' in answer ? `refused: ${answer.code}: ${answer.userMessage}` : `failed: ${answer.failure}`;
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `found ${value.length}`;
  const text = (value as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? `read ${text.length} characters` : `gave ${JSON.stringify(value)}`;
}

/** A document with some text in it. */
const READ = /^read [1-9]\d* characters$/;
/** The parse process's limits when none are given: none that a test input reaches. */
const NO_LIMITS: RequestLimits = { maxExpandedBytes: 1e9, maxTextBytes: 1e9 };

const CUE = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n';
const SRT_CUE = '1\n00:00:01,000 --> 00:00:02,000\n';
const times = (text: string, size: number) => text.repeat(Math.max(1, Math.floor(size / text.length)));

/** A class of hostile file. */
function file(
  name: string,
  format: FileFormat,
  fileName: string,
  make: (size: number) => string,
  outcome = READ,
): HostileClass {
  const request = (input: string, limits = NO_LIMITS) => {
    const bytes = Buffer.from(input);
    const asked = fileRequest({ bytes, name: fileName, source: { kind: 'file', name: fileName } }, limits);
    // The format the class is aimed at, whatever the first bytes suggest.
    return { ...asked, format } as WorkerRequest;
  };
  return {
    name,
    make,
    outcome,
    request,
    fileName,
    parse: (input) => parseFile(request(input) as Extract<WorkerRequest, { kind: 'file' }>),
  };
}

/** A class of hostile answer from YouTube, read as the reader reads it (in the parse process). */
function youtube(
  name: string,
  job: YouTubeJob,
  make: (size: number) => string,
  outcome: RegExp,
): HostileClass {
  const request = (input: string, limits = NO_LIMITS): WorkerRequest => ({
    kind: 'youtube',
    job,
    bytes: Buffer.from(input),
    limits: { maxExpandedBytes: limits.maxExpandedBytes, maxTextBytes: limits.maxTextBytes },
  });
  return {
    name,
    make,
    outcome,
    request,
    parse: (input) => parseYouTubeAnswer(request(input) as Extract<WorkerRequest, { kind: 'youtube' }>),
  };
}

const VIDEO = { videoId: 'dQw4w9WgXcQ' };

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
    /^refused: empty_document: Found no article text in a\.html/,
  ),
  file(
    'HTML flat paragraphs',
    'html',
    'a.html',
    (n) => `<html><body>${times('<div class="c"><p>word word word word word.</p></div>', n)}</body></html>`,
  ),
  file('HTML without tags', 'html', 'a.html', (n) => times('text &amp; more ', n)),
  file(
    'JSON nested arrays',
    'json',
    'a.json',
    (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`,
    /^refused: unsupported_input: a\.json is JSON but not a transcript recap knows/,
  ),
  {
    name: 'Chat link and closing parentheses',
    make: (n) => `http://a.example${times(')', n)}`,
    parse: findLinks,
    outcome: /^found 1$/,
  },
  {
    name: 'Chat link, parentheses, then a letter',
    make: (n) => `http://a.example${times(')', n)}x`,
    parse: findLinks,
    outcome: /^found 1$/,
  },
  // Every cue is unclosed: no captions (the reader then says YouTube sent an empty caption file).
  youtube(
    'YouTube timed text without end tags',
    { kind: 'timed-text' },
    (n) => times('<text start="1" dur="1">a', n),
    /^found 0$/,
  ),
  youtube(
    'YouTube timed text of short cues',
    { kind: 'timed-text' },
    (n) => `<transcript>${times('<text start="1.5" dur="1">a &amp;amp; b</text>', n)}</transcript>`,
    /^found [1-9]\d*$/,
  ),
  youtube(
    'YouTube watch page of unclosed braces',
    { kind: 'watch-page-track', ...VIDEO },
    (n) => `var ytInitialPlayerResponse = ${times('{"a":"\\"}', n)}`,
    /^failed: no ytInitialPlayerResponse in the watch page$/,
  ),
  youtube(
    'YouTube watch page of API key markers',
    { kind: 'watch-page-key' },
    (n) => times('"INNERTUBE_API_KEY":"', n),
    /^gave \{"captcha":false\}$/,
  ),
  youtube(
    'YouTube player response of nested arrays',
    { kind: 'player-track', ...VIDEO },
    (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`,
    /^failed: .*expected object/is,
  ),
];
