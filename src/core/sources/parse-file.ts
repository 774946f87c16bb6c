import { RecapError } from '../errors.js';
import { formatBytes } from '../text.js';
import type { Document, Segment, SourceRef } from '../types.js';
import type { FileFormat } from './formats/detect.js';
import { parseSrt } from './formats/srt.js';
import { decodeText, firstHeading, markdownToText } from './formats/text.js';
import { parseVtt } from './formats/vtt.js';

/** What the parse process is given: the bytes of one file, its detected format, and its limits. */
export interface ParseRequest {
  format: FileFormat;
  name: string;
  bytes: Uint8Array;
  source: SourceRef;
  limits: {
    /** The most bytes of buffers the parse may allocate (inflated parts, decoded streams). */
    maxExpandedBytes: number;
    /** The most text (UTF-8 bytes) the document may hold (RECAP_MAX_FILE_BYTES). */
    maxTextBytes: number;
  };
}

/** Any supported file as a Document: title, text, and timed segments when the format has them. */
export async function parseFile(request: ParseRequest): Promise<Document> {
  const document = await parseFormat(request);
  const textBytes = Buffer.byteLength(document.text);
  if (textBytes > request.limits.maxTextBytes) throw textTooLarge(request.name, request.limits.maxTextBytes);
  return document;
}

async function parseFormat({ format, name, bytes, source, limits }: ParseRequest): Promise<Document> {
  const fallbackTitle = titleFromName(name);
  switch (format) {
    case 'text':
      return textDocument(decodeText(bytes, name), source, fallbackTitle);
    case 'markdown': {
      const markdown = decodeText(bytes, name);
      return textDocument(markdownToText(markdown), source, firstHeading(markdown) ?? fallbackTitle);
    }
    case 'vtt':
      return segmentDocument(parseVtt(decodeText(bytes, name)), source, fallbackTitle, name);
    case 'srt':
      return segmentDocument(parseSrt(decodeText(bytes, name)), source, fallbackTitle, name);
    case 'json':
      return segmentDocument(
        await parseJsonTranscript(decodeText(bytes, name), name),
        source,
        fallbackTitle,
        name,
      );
    case 'html': {
      // The heavier parsers are loaded only for the formats that need them: each parse is a new process.
      const { extractArticle } = await import('./formats/html.js');
      const article = extractArticle(decodeText(bytes, name), source.kind === 'url' ? source.url : undefined);
      if (!article) throw noArticle(name);
      return {
        ...textDocument(article.text, source, article.title ?? fallbackTitle),
        ...(article.language ? { language: article.language } : {}),
      };
    }
    case 'docx': {
      const { readDocx } = await import('./formats/office.js');
      return textDocument(await readDocx(bytes, name, limits.maxExpandedBytes), source, fallbackTitle);
    }
    case 'pdf': {
      const { readPdf } = await import('./formats/office.js');
      const pdf = await readPdf(bytes, name);
      const text = pdf.pages.filter((page) => page !== '').join('\n\n');
      return textDocument(text, source, pdf.title ?? fallbackTitle);
    }
  }
}

export function textDocument(text: string, source: SourceRef, title?: string): Document {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '')
    throw new RecapError('empty_document', 'There is nothing to summarize: the text is empty.');
  return { text: trimmed, source, ...(title ? { title } : {}) };
}

function segmentDocument(
  segments: Segment[],
  source: SourceRef,
  title: string | undefined,
  name: string,
): Document {
  const kept = segments.filter((segment) => segment.text.trim() !== '');
  if (kept.length === 0)
    throw new RecapError('empty_document', `${name} has no captions or lines to summarize.`);
  return {
    text: kept.map((segment) => segment.text).join('\n'),
    segments: kept,
    source,
    ...(title ? { title } : {}),
  };
}

async function parseJsonTranscript(text: string, name: string): Promise<Segment[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecapError('unsupported_input', `${name} is not valid JSON.`, { cause: error });
  }
  const { parseTranscriptJson } = await import('./formats/json.js');
  const segments = parseTranscriptJson(value);
  if (!segments) {
    throw new RecapError(
      'unsupported_input',
      `${name} is JSON but not a transcript recap knows. It reads Whisper's {"segments": [{"start", "text"}]} and speaker turns [{"speaker", "content" or "text"}].`,
    );
  }
  return segments;
}

function noArticle(name: string): RecapError {
  return new RecapError('empty_document', `Found no article text in ${name}. Paste the text instead.`);
}

function textTooLarge(name: string, maxBytes: number): RecapError {
  return new RecapError(
    'input_too_large',
    `The text inside ${name} is larger than ${formatBytes(maxBytes)}, the most recap reads. Share a shorter document, or ask an admin to raise RECAP_MAX_FILE_BYTES.`,
  );
}

function titleFromName(name: string): string | undefined {
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/\.[a-z0-9]+$/i, '')
    .trim();
  return base === '' || /^(transcript|captions?|subtitles?|file|untitled|download|stdin)$/i.test(base)
    ? undefined
    : base;
}
