import type { FetchedBody, SafeFetch } from '../core/fetch/safe-fetch.js';
import type { Input } from '../core/types.js';
import type { SharedFile } from './request.js';

/** Where a file's bytes are, and the headers the platform decided that host may have. */
export interface FileLocation {
  url: URL;
  headers?: Record<string, string>;
  /** Throws when what came back is not the file (a platform's sign-in page). */
  check?: (fetched: FetchedBody) => void;
}

/**
 * A shared file as the core reads it: downloaded like a link (through the safe fetcher, bounded in size
 * and time). `locate` runs only when the bytes are needed, and may ask the platform first (Slack).
 */
export function fileInput(
  file: SharedFile,
  fetchFile: SafeFetch,
  locate: (signal: AbortSignal) => Promise<FileLocation>,
): Input {
  return {
    kind: 'file',
    name: file.name,
    ...(file.contentType ? { contentType: file.contentType } : {}),
    ...(file.size === undefined ? {} : { size: file.size }),
    async download({ signal, maxBytes }) {
      const { url, headers, check } = await locate(signal);
      const fetched = await fetchFile(url, {
        accept: ['*/*'],
        maxBytes,
        signal,
        ...(headers ? { headers } : {}),
      });
      check?.(fetched);
      return fetched.bytes;
    },
  };
}
