import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  /** The most bytes the parts kept may inflate to together. */
  maxTotalBytes: number;
  maxEntries: number;
  /** Which parts the parser needs; the others are neither inflated nor handed on. */
  keep(name: string): boolean;
}

export type ZipParts = { ok: true; parts: Map<string, Buffer> } | { ok: false; reason: string };

const BOMB = 'it expands to far more than a document (a zip bomb?)';
const DAMAGED = 'a file inside it is damaged';
const ZIP64 = 'it is a ZIP64 archive';

/**
 * Unzips a ZIP archive (a .docx is one) once, with a hard cap on the bytes inflated, and returns the
 * parts wanted by name. The caller hands the parser only these (see `storedZip`), never the original:
 * a parser's own unzip may read local records the central directory does not list (a second
 * `word/document.xml` pointing at a deflate bomb passed a check that trusted the directory).
 * Duplicate names, ZIP64 and unknown compression methods are refused: Word writes none of them.
 */
export function readZipParts(bytes: Uint8Array, limits: ZipLimits): ZipParts {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfCentralDirectory(view);
  if (end === -1) return { ok: false, reason: 'it is not a valid ZIP archive' };
  const entries = view.readUInt16LE(end + 10);
  let offset = view.readUInt32LE(end + 16);
  if (hasZip64EndRecords(view, end)) return { ok: false, reason: ZIP64 };
  if (entries > limits.maxEntries)
    return { ok: false, reason: `it holds ${entries} files, more than a document has` };
  const parts = new Map<string, Buffer>();
  const seen = new Set<string>();
  let total = 0;
  for (let index = 0; index < entries; index++) {
    const entry = readDirectoryEntry(view, offset);
    if (!entry) return { ok: false, reason: 'its file list is damaged' };
    offset = entry.next;
    if (entry.zip64) return { ok: false, reason: ZIP64 };
    if (seen.has(entry.name)) return { ok: false, reason: `it lists ${entry.name} twice` };
    seen.add(entry.name);
    if (!limits.keep(entry.name)) continue;
    const data = inflateEntry(view, entry, limits.maxTotalBytes - total);
    if (typeof data === 'string') return { ok: false, reason: data };
    total += data.length;
    parts.set(entry.name, data);
  }
  return { ok: true, parts };
}

interface DirectoryEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
  /** Its sizes or place are in a ZIP64 extra field: -1 (0xFFFFFFFF) stands in for them here. */
  zip64: boolean;
  next: number;
}

function readDirectoryEntry(view: Buffer, offset: number): DirectoryEntry | undefined {
  if (offset + 46 > view.length || view.readUInt32LE(offset) !== 0x02014b50) return undefined;
  const nameLength = view.readUInt16LE(offset + 28);
  const extraLength = view.readUInt16LE(offset + 30);
  const commentLength = view.readUInt16LE(offset + 32);
  const compressedSize = view.readUInt32LE(offset + 20);
  const localOffset = view.readUInt32LE(offset + 42);
  return {
    name: view.toString('utf8', offset + 46, offset + 46 + nameLength),
    method: view.readUInt16LE(offset + 10),
    compressedSize,
    localOffset,
    zip64: [compressedSize, view.readUInt32LE(offset + 24), localOffset].includes(0xffffffff),
    next: offset + 46 + nameLength + extraLength + commentLength,
  };
}

/** The entry's bytes, inflated with at most `remaining` bytes of output, or why not. */
function inflateEntry(view: Buffer, entry: DirectoryEntry, remaining: number): Buffer | string {
  const local = entry.localOffset;
  if (local + 30 > view.length || view.readUInt32LE(local) !== 0x04034b50) return DAMAGED;
  const dataStart = local + 30 + view.readUInt16LE(local + 26) + view.readUInt16LE(local + 28);
  const data = view.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return data.length > remaining ? BOMB : Buffer.from(data);
  if (entry.method !== 8) return `it uses a compression method (${entry.method}) documents do not use`;
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, remaining) });
  } catch (error) {
    const tooLarge =
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
    return tooLarge ? BOMB : DAMAGED;
  }
}

/**
 * ZIP64 at the end of the archive (APPNOTE 4.3.14-16): the plain end record's -1 markers, or the
 * ZIP64 locator just before it (a writer may add the ZIP64 records with true values in both).
 */
function hasZip64EndRecords(view: Buffer, end: number): boolean {
  if (view.readUInt16LE(end + 10) === 0xffff || view.readUInt32LE(end + 16) === 0xffffffff) return true;
  return end >= 20 && view.readUInt32LE(end - 20) === 0x07064b50;
}

function findEndOfCentralDirectory(view: Buffer): number {
  const earliest = Math.max(0, view.length - 22 - 0xffff);
  for (let offset = view.length - 22; offset >= earliest; offset--) {
    if (view.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  return -1;
}

/**
 * A ZIP archive of the given parts, stored without compression (PKWARE APPNOTE 6.3.10, §4.3): what
 * the parser opens holds exactly these bytes, so it cannot inflate more than was already counted.
 */
export function storedZip(parts: ReadonlyMap<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [entryName, data] of parts) {
    const name = Buffer.from(entryName, 'utf8');
    const header = (size: number, signature: number) => {
      const buffer = Buffer.alloc(size);
      buffer.writeUInt32LE(signature, 0);
      return buffer;
    };
    const local = header(30, 0x04034b50);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = header(46, 0x02014b50);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    local.copy(central, 16, 14, 26); // crc, compressed and uncompressed sizes
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.size, 8);
  end.writeUInt16LE(parts.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
