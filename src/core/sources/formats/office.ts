import { createRequire } from 'node:module';
import { RecapError } from '../../errors.js';
import { runInWorker, WorkerLimitError } from '../bounded-worker.js';
import { checkZip } from './zip-guard.js';

const require = createRequire(import.meta.url);
const MAMMOTH = require.resolve('mammoth');
const UNPDF = require.resolve('unpdf');

export interface ParserLimits {
  timeoutMs: number;
  maxHeapMb: number;
  /** The most bytes a .docx may expand to. */
  maxExpandedBytes: number;
  signal: AbortSignal;
}

/** Word documents (.docx, as Teams and Otter export them): mammoth's raw text, in a bounded worker. */
export async function readDocx(bytes: Uint8Array, name: string, limits: ParserLimits): Promise<string> {
  const zip = checkZip(bytes, { maxTotalBytes: limits.maxExpandedBytes, maxEntries: 2000 });
  if (!zip.ok) throw new RecapError('unsupported_input', `Can't open ${name}: ${zip.reason}.`);
  if (!zip.names.includes('word/document.xml')) {
    throw new RecapError('unsupported_input', `${name} is a ZIP archive but not a Word document.`);
  }
  const text = await parse<string>(
    name,
    `const mammoth = require(data.module);
     const result = await mammoth.extractRawText({ buffer: Buffer.from(data.bytes) });
     return result.value;`,
    { module: MAMMOTH, bytes },
    limits,
  );
  return text;
}

export interface PdfText {
  title?: string;
  pages: string[];
}

/** PDF: the text layer of each page through unpdf (pdf.js), in a bounded worker. */
export async function readPdf(bytes: Uint8Array, name: string, limits: ParserLimits): Promise<PdfText> {
  const result = await parse<{ title: string | null; pages: string[] }>(
    name,
    `const { getDocumentProxy, extractText, getMeta } = require(data.module);
     const pdf = await getDocumentProxy(new Uint8Array(data.bytes));
     const { text } = await extractText(pdf, { mergePages: false });
     const meta = await getMeta(pdf).catch(() => ({ info: {} }));
     const title = meta.info && typeof meta.info.Title === 'string' ? meta.info.Title : null;
     return { title, pages: text };`,
    { module: UNPDF, bytes },
    limits,
  );
  const pages = result.pages.map((page) => page.trim());
  if (pages.every((page) => page === '')) {
    throw new RecapError(
      'unsupported_input',
      `${name} has no text to read: it looks like a scan (pictures of pages). Run it through OCR, or share the text or the transcript instead.`,
    );
  }
  return { ...(result.title?.trim() ? { title: result.title.trim() } : {}), pages };
}

async function parse<T>(name: string, body: string, data: unknown, limits: ParserLimits): Promise<T> {
  try {
    return await runInWorker<T>(body, data, limits);
  } catch (error) {
    if (!(error instanceof WorkerLimitError)) throw error;
    const reason =
      error.limit === 'time'
        ? 'it took too long to read'
        : error.limit === 'memory'
          ? 'it needs too much memory to read'
          : 'it is damaged or not what its name says';
    throw new RecapError('unsupported_input', `Can't read ${name}: ${reason}.`, { cause: error });
  }
}
