import { RecapError } from '../errors.js';
import type { Document, Input } from '../types.js';

/** Turns what a person shared into a Document. */
export async function readInput(input: Input, signal: AbortSignal): Promise<Document> {
  switch (input.kind) {
    case 'text':
      return textDocument(input.text, { kind: 'text' }, input.title);
    case 'file': {
      const bytes = await input.download(signal);
      return textDocument(decodeUtf8(bytes, input.name), { kind: 'file', name: input.name });
    }
    case 'url':
      throw new RecapError(
        'unsupported_input',
        `recap cannot read links yet (${input.url.href}). Paste the text or upload the transcript as a .txt file instead.`,
      );
  }
}

function textDocument(text: string, source: Document['source'], title?: string): Document {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new RecapError('empty_document', 'There is nothing to summarize: the text is empty.');
  return { text: trimmed, source, ...(title ? { title } : {}) };
}

function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new RecapError(
      'unsupported_input',
      `${name} is not UTF-8 text. Save it as UTF-8 text and try again.`,
      {
        cause: error,
      },
    );
  }
}
