import { RecapError } from '../../errors.js';
import { readZipParts, storedZip } from './zip-guard.js';

/** The parts of a .docx that text is read from: XML and relationships, never media or embeddings. */
const isTextPart = (name: string) => name.endsWith('.xml') || name.endsWith('.rels');

/**
 * Word documents (.docx, as Teams and Otter export them): mammoth's raw text. Runs in the parse
 * process. The archive is unzipped once here with a cap on the bytes inflated, and mammoth opens a
 * new archive of only the XML parts, stored, so it cannot inflate anything the cap did not count.
 */
export async function readDocx(bytes: Uint8Array, name: string, maxExpandedBytes: number): Promise<string> {
  const zip = readZipParts(bytes, { maxTotalBytes: maxExpandedBytes, maxEntries: 2000, keep: isTextPart });
  if (!zip.ok) throw new RecapError('unsupported_input', `Can't open ${name}: ${zip.reason}.`);
  if (!zip.parts.has('word/document.xml')) {
    throw new RecapError('unsupported_input', `${name} is a ZIP archive but not a Word document.`);
  }
  const { default: mammoth } = await import('mammoth');
  const result = await mammoth.extractRawText({ buffer: storedZip(zip.parts) });
  return result.value;
}

export interface PdfText {
  title?: string;
  pages: string[];
}

/**
 * PDF: the text layer of each page through unpdf (pdf.js). Runs in the parse process, where the
 * buffers pdf.js decodes into are counted against the parse's cap (see `capAllocations`).
 */
export async function readPdf(bytes: Uint8Array, name: string): Promise<PdfText> {
  const { getDocumentProxy, extractText, getMeta } = await import('unpdf');
  // pdf.js refuses a Buffer (what bytes arrive as over IPC): give it a plain view of the same memory.
  const pdf = await getDocumentProxy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { text } = await extractText(pdf, { mergePages: false });
  const meta = await getMeta(pdf).catch(() => ({ info: {} as Record<string, unknown> }));
  const title = typeof meta.info?.Title === 'string' ? meta.info.Title.trim() : '';
  const pages = text.map((page) => page.trim());
  if (pages.every((page) => page === '')) {
    throw new RecapError(
      'unsupported_input',
      `${name} has no text to read: it looks like a scan (pictures of pages). Run it through OCR, or share the text or the transcript instead.`,
    );
  }
  return { ...(title ? { title } : {}), pages };
}
