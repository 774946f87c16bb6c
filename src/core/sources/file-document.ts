import { RecapError } from '../errors.js';
import type { Document, Segment, SourceRef } from '../types.js';
import { detectFormat } from './formats/detect.js';
import { extractArticle } from './formats/html.js';
import { parseTranscriptJson } from './formats/json.js';
import { type ParserLimits, readDocx, readPdf } from './formats/office.js';
import { parseSrt } from './formats/srt.js';
import { decodeText, firstHeading, markdownToText } from './formats/text.js';
import { parseVtt } from './formats/vtt.js';

export interface FileBytes {
  bytes: Uint8Array;
  name: string;
  contentType?: string | undefined;
  source: SourceRef;
}

/** Any supported file as a Document: title, text, and timed segments when the format has them. */
export async function documentFromFile(file: FileBytes, limits: ParserLimits): Promise<Document> {
  const { bytes, name, source } = file;
  if (bytes.length === 0)
    throw new RecapError('empty_document', `${name} is empty: there is nothing to summarize.`);
  const format = detectFormat(name, file.contentType, bytes);
  const fallbackTitle = titleFromName(name);
  switch (format) {
    case 'text':
      return textDocument(decodeText(bytes, name), source, fallbackTitle);
    case 'markdown':
      return textDocument(
        markdownToText(decodeText(bytes, name)),
        source,
        firstHeading(decodeText(bytes, name)) ?? fallbackTitle,
      );
    case 'vtt':
      return segmentDocument(parseVtt(decodeText(bytes, name)), source, fallbackTitle, name);
    case 'srt':
      return segmentDocument(parseSrt(decodeText(bytes, name)), source, fallbackTitle, name);
    case 'json':
      return segmentDocument(parseJsonTranscript(decodeText(bytes, name), name), source, fallbackTitle, name);
    case 'html': {
      const article = extractArticle(decodeText(bytes, name), source.kind === 'url' ? source.url : undefined);
      if (!article) throw noArticle(name);
      return {
        ...textDocument(article.text, source, article.title ?? fallbackTitle),
        ...(article.language ? { language: article.language } : {}),
      };
    }
    case 'docx':
      return textDocument(await readDocx(bytes, name, limits), source, fallbackTitle);
    case 'pdf': {
      const pdf = await readPdf(bytes, name, limits);
      return textDocument(
        pdf.pages.filter((page) => page !== '').join('\n\n'),
        source,
        pdf.title ?? fallbackTitle,
      );
    }
  }
}

export function textDocument(text: string, source: SourceRef, title?: string): Document {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '')
    throw new RecapError('empty_document', 'There is nothing to summarize: the text is empty.');
  return { text: trimmed, source, ...(title ? { title } : {}) };
}

export function segmentDocument(
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

function parseJsonTranscript(text: string, name: string): Segment[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecapError('unsupported_input', `${name} is not valid JSON.`, { cause: error });
  }
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

function titleFromName(name: string): string | undefined {
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/\.[a-z0-9]+$/i, '')
    .trim();
  return base === '' || /^(transcript|captions?|subtitles?|file|untitled|download)$/i.test(base)
    ? undefined
    : base;
}
