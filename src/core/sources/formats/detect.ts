import { RecapError } from '../../errors.js';

export type FileFormat = 'text' | 'markdown' | 'vtt' | 'srt' | 'json' | 'html' | 'docx' | 'pdf';

export const SUPPORTED = '.txt, .md, .vtt, .srt, .docx, .pdf, .json and .html';

const BY_EXTENSION: Record<string, FileFormat> = {
  txt: 'text',
  text: 'text',
  log: 'text',
  md: 'markdown',
  markdown: 'markdown',
  vtt: 'vtt',
  srt: 'srt',
  json: 'json',
  html: 'html',
  htm: 'html',
  docx: 'docx',
  pdf: 'pdf',
};

const BY_CONTENT_TYPE: Record<string, FileFormat> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/vtt': 'vtt',
  'application/x-subrip': 'srt',
  'text/srt': 'srt',
  'application/json': 'json',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/** Content types a link may serve for recap to read it. */
export const READABLE_CONTENT_TYPES = Object.keys(BY_CONTENT_TYPE);

/**
 * The format of a file, from its first bytes (which cannot lie about PDF, ZIP or WebVTT), its
 * extension and its content type, in that order of trust. Anything else is refused, listing what
 * recap reads.
 */
export function detectFormat(name: string, contentType: string | undefined, bytes: Uint8Array): FileFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const byExtension = extension ? BY_EXTENSION[extension] : undefined;
  const byType = contentType
    ? BY_CONTENT_TYPE[contentType.split(';')[0]?.trim().toLowerCase() ?? '']
    : undefined;
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');

  if (head.startsWith('%PDF-')) return 'pdf';
  if (head.startsWith('PK\x03\x04')) {
    if (byExtension === 'docx' || byType === 'docx' || byExtension === undefined) return 'docx';
    throw unsupported(name, extension ? `.${extension} (a ZIP archive)` : 'a ZIP archive');
  }
  if (/^(\uFEFF|\xEF\xBB\xBF)?WEBVTT/.test(head)) return 'vtt';
  if (byExtension) return byExtension;
  if (byType) return byType;
  if (extension) throw unsupported(name, `.${extension}`);
  return sniffText(head);
}

function sniffText(head: string): FileFormat {
  const start = head.replace(/^(\uFEFF|\xEF\xBB\xBF)/, '').trimStart();
  if (/^\d+\s*\r?\n\d{1,2}:\d{2}:\d{2},\d{3}\s*-->/.test(start)) return 'srt';
  if (/^<(!doctype html|html)/i.test(start)) return 'html';
  if (/^[[{]/.test(start)) return 'json';
  return 'text';
}

function unsupported(name: string, kind: string): RecapError {
  return new RecapError(
    'unsupported_input',
    `Can't read ${name}: ${kind} files are not supported. It reads ${SUPPORTED} files.`,
  );
}
