import { inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  /** The most bytes all entries may inflate to together. */
  maxTotalBytes: number;
  maxEntries: number;
}

/**
 * Inflates every entry of a ZIP archive (a .docx is one) with a hard cap on the output, before a
 * parser that trusts the archive sees it: a zip bomb, even one that lies about its sizes, is refused
 * after at most `maxTotalBytes` of work. Returns the entry names, or the reason the file is refused.
 */
export function checkZip(
  bytes: Uint8Array,
  limits: ZipLimits,
): { ok: true; names: string[] } | { ok: false; reason: string } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfCentralDirectory(view);
  if (end === -1) return { ok: false, reason: 'it is not a valid ZIP archive' };
  const entries = view.readUInt16LE(end + 10);
  let offset = view.readUInt32LE(end + 16);
  if (entries > limits.maxEntries)
    return { ok: false, reason: `it holds ${entries} files, more than a document has` };
  const names: string[] = [];
  let total = 0;
  for (let index = 0; index < entries; index++) {
    if (offset + 46 > view.length || view.readUInt32LE(offset) !== 0x02014b50) {
      return { ok: false, reason: 'its file list is damaged' };
    }
    const method = view.readUInt16LE(offset + 10);
    const compressedSize = view.readUInt32LE(offset + 20);
    const nameLength = view.readUInt16LE(offset + 28);
    const extraLength = view.readUInt16LE(offset + 30);
    const commentLength = view.readUInt16LE(offset + 32);
    const localOffset = view.readUInt32LE(offset + 42);
    names.push(view.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;

    if (localOffset + 30 > view.length || view.readUInt32LE(localOffset) !== 0x04034b50) {
      return { ok: false, reason: 'a file inside it is damaged' };
    }
    const dataStart =
      localOffset + 30 + view.readUInt16LE(localOffset + 26) + view.readUInt16LE(localOffset + 28);
    const data = view.subarray(dataStart, dataStart + compressedSize);
    const remaining = limits.maxTotalBytes - total;
    if (method === 0) {
      total += data.length;
    } else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, remaining) }).length;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
          return { ok: false, reason: 'it expands to far more than a document (a zip bomb?)' };
        }
        return { ok: false, reason: 'a file inside it is damaged' };
      }
    } else {
      return { ok: false, reason: `it uses a compression method (${method}) documents do not use` };
    }
    if (total > limits.maxTotalBytes)
      return { ok: false, reason: 'it expands to far more than a document (a zip bomb?)' };
  }
  return { ok: true, names };
}

function findEndOfCentralDirectory(view: Buffer): number {
  const earliest = Math.max(0, view.length - 22 - 0xffff);
  for (let offset = view.length - 22; offset >= earliest; offset--) {
    if (view.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  return -1;
}
