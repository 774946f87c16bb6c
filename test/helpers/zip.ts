import { constants, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate the entry (as Word does); stored otherwise. */
  deflate?: boolean;
}

export interface ZipLies {
  /** The entry count the end-of-central-directory record claims (the real count when absent). */
  declaredEntries?: number;
  /**
   * ZIP64 (APPNOTE 4.3.14, 4.3.15, 4.5.3), as writers produce it: `end-records` puts the counts and
   * the directory's place in a ZIP64 end record and its locator, and -1 (0xFFFF, 0xFFFFFFFF) in the
   * plain end record, as Go's archive/zip does once they overflow; `records-only` adds the ZIP64
   * records but keeps the true values in the plain end record too; `markers-only` writes the -1
   * markers without the records; `entries` gives each entry -1 sizes and its real sizes in a ZIP64
   * extra field (id 0x0001), under a plain end record.
   */
  zip64?: 'end-records' | 'records-only' | 'markers-only' | 'entries';
}

/**
 * Writes a ZIP archive (PKWARE APPNOTE 6.3): enough to build .docx files and zip bombs for tests.
 * An entry's `raw` is written as its deflated data as is (for bombs made with `deflatedZeros`).
 */
export function zip(
  entries: readonly (ZipEntry & { raw?: Buffer; size?: number })[],
  lies: ZipLies = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = entry.deflate || entry.raw !== undefined;
    const body = entry.raw ?? (entry.deflate ? deflateRawSync(entry.data) : entry.data);
    const crc = entry.raw ? 0 : crc32(entry.data);
    const size = entry.size ?? entry.data.length;
    const zip64Extra = lies.zip64 === 'entries' ? zip64SizesExtra(size, body.length) : Buffer.alloc(0);
    const sized = (real: number) => (lies.zip64 === 'entries' ? 0xffffffff : real);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflated ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(sized(body.length), 18);
    local.writeUInt32LE(sized(size), 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(zip64Extra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflated ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(sized(body.length), 20);
    central.writeUInt32LE(sized(size), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(zip64Extra.length, 30);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, zip64Extra, body);
    centrals.push(central, name, zip64Extra);
    offset += local.length + name.length + zip64Extra.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const listed = lies.declaredEntries ?? entries.length;
  return Buffer.concat([...locals, directory, ...endRecords(listed, directory.length, offset, lies.zip64)]);
}

/** The ZIP64 extended information extra field of an entry: its sizes, uncompressed then compressed. */
function zip64SizesExtra(size: number, compressedSize: number): Buffer {
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  extra.writeBigUInt64LE(BigInt(size), 4);
  extra.writeBigUInt64LE(BigInt(compressedSize), 12);
  return extra;
}

/** The end of central directory record, after the ZIP64 end record and locator when asked for. */
function endRecords(
  listed: number,
  directorySize: number,
  directoryOffset: number,
  zip64: ZipLies['zip64'],
): Buffer[] {
  const markers = zip64 === 'end-records' || zip64 === 'markers-only';
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(markers ? 0xffff : listed, 8);
  end.writeUInt16LE(markers ? 0xffff : listed, 10);
  end.writeUInt32LE(markers ? 0xffffffff : directorySize, 12);
  end.writeUInt32LE(markers ? 0xffffffff : directoryOffset, 16);
  if (zip64 !== 'end-records' && zip64 !== 'records-only') return [end];
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4); // the size of the rest of the record
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(listed), 24);
  record.writeBigUInt64LE(BigInt(listed), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
  locator.writeUInt32LE(1, 16);
  return [record, locator, end];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

/** A Word document whose paragraphs are the given lines, laid out as Word writes them. */
export function docx(paragraphs: readonly string[], lies: ZipLies = {}): Buffer {
  return zip(docxEntries(paragraphs), lies);
}

/** The three parts of such a document, to build variants of it. */
export function docxEntries(paragraphs: readonly string[]): ZipEntry[] {
  return [
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'word/document.xml', data: Buffer.from(documentXml(paragraphs)), deflate: true },
  ];
}

function documentXml(paragraphs: readonly string[]): string {
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = paragraphs
    .map((text) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
}

/** A .docx whose document.xml inflates to `expandedBytes` of zeros (a multiple of 1 MiB): a zip bomb. */
export function docxBomb(expandedBytes: number): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    {
      name: 'word/document.xml',
      data: Buffer.alloc(0),
      raw: deflatedZeros(expandedBytes),
      size: expandedBytes,
    },
  ]);
}

/**
 * Raw deflate data that inflates to `bytes` zero bytes (a multiple of 1 MiB), made without
 * allocating them: blocks compressed from one MiB of zeros, ended with a sync flush so they can be
 * repeated (no block refers outside itself), then an empty final block.
 */
export function deflatedZeros(bytes: number): Buffer {
  const mebibyte = deflateRawSync(Buffer.alloc(1024 * 1024), {
    level: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const blocks = Array.from({ length: Math.ceil(bytes / (1024 * 1024)) }, () => mebibyte);
  return Buffer.concat([...blocks, deflateRawSync(Buffer.alloc(0))]);
}

/**
 * A .docx whose end-of-central-directory record counts its three honest entries, while its central
 * directory lists a fourth: a second word/document.xml, a deflate bomb of `expandedBytes`. A reader
 * that trusts the count sees an honest document; one that reads the whole directory (JSZip, under
 * mammoth) takes the second word/document.xml.
 */
export function docxWithHiddenBomb(expandedBytes: number): Buffer {
  return zip(
    [
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
      { name: '_rels/.rels', data: Buffer.from(RELS) },
      { name: 'word/document.xml', data: Buffer.from(documentXml(['The visible document.'])), deflate: true },
      {
        name: 'word/document.xml',
        data: Buffer.alloc(0),
        raw: deflatedZeros(expandedBytes),
        size: expandedBytes,
      },
    ],
    { declaredEntries: 3 },
  );
}
