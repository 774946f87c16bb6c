import { describe, expect, it } from 'vitest';
import { readZipParts } from '../../../src/core/sources/formats/zip-guard.js';
import { docx, docxEntries, zip } from '../../helpers/zip.js';

const read = (archive: Buffer) =>
  readZipParts(archive, {
    maxTotalBytes: 1024 * 1024,
    maxEntries: 2000,
    keep: (name) => name.endsWith('.xml'),
  });
const documentXml = (archive: Buffer) => {
  const result = read(archive);
  return result.ok ? result.parts.get('word/document.xml')?.toString() : result.reason;
};

/**
 * Each archive below is whole and honest but for the one thing refused, and its end record lists every
 * entry, so the scan reaches that thing: without the check, the archive would be read.
 */
describe('the .docx archive guard', () => {
  it('reads an honest document (the fixtures below differ from it in one way each)', () => {
    expect(documentXml(docx(['Budget approved.']))).toContain('Budget approved.');
  });

  it('refuses an archive that lists the same name twice, rather than take one of them', () => {
    const [second] = docxEntries(['The hidden second document.']).slice(-1);
    if (!second) throw new Error('docxEntries gave no document part');
    const archive = zip([...docxEntries(['The visible document.']), second]);
    expect(read(archive)).toEqual({ ok: false, reason: 'it lists word/document.xml twice' });
  });

  it.each([
    ['its end record says -1 and the ZIP64 records hold the values (Go archive/zip)', 'end-records'],
    ['the ZIP64 records sit behind a plain end record with true values', 'records-only'],
    ['its end record says -1 without the ZIP64 records', 'markers-only'],
    ['its entries give -1 sizes and their real sizes in a ZIP64 extra field', 'entries'],
  ] as const)('refuses ZIP64: %s', (_, zip64) => {
    expect(read(docx(['Budget approved.'], { zip64 }))).toEqual({
      ok: false,
      reason: 'it is a ZIP64 archive',
    });
  });
});
