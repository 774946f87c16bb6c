import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { RecapError } from '../core/errors.js';
import { type ByteStream, readCapped } from '../core/fetch/read-capped.js';
import { fileTooLarge } from '../core/sources/sources.js';
import type { Input } from '../core/types.js';

/** Standard input, as `-` on the command line: its bytes and whether a person is typing them. */
export type StandardInput = ByteStream & { isTTY?: boolean };

/**
 * The name standard input goes by. Without an extension, its format is recognized from its content as
 * a file's would be (piped WebVTT, SubRip, JSON, HTML, PDF or Word), and it is not taken for a title.
 */
export const STDIN_NAME = 'stdin';

export interface InputContext {
  stdin: StandardInput;
  /** Tells a person at a terminal that recap is waiting for them to type (or paste) the text. */
  prompt(text: string): void;
}

/** What a command-line argument names: a link, standard input (`-`), or a file. */
export function inputFromArgument(source: string, context: InputContext): Input {
  if (source === '-') {
    return {
      kind: 'file',
      name: STDIN_NAME,
      download: ({ signal, maxBytes }) => {
        if (context.stdin.isTTY) context.prompt('reading standard input (Ctrl-D to end)');
        return readStream(context.stdin, STDIN_NAME, maxBytes, signal);
      },
    };
  }
  if (/^https?:\/\//i.test(source)) {
    try {
      return { kind: 'url', url: new URL(source) };
    } catch (error) {
      throw new RecapError('unsupported_input', `${source} is not a valid link.`, { cause: error });
    }
  }
  return {
    kind: 'file',
    name: basename(source),
    download: ({ signal, maxBytes }) => readFileCapped(source, maxBytes, signal),
  };
}

/** Reads a file, stopping as soon as it is larger than `maxBytes`, whatever its size claims. */
async function readFileCapped(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    if ((await handle.stat()).isDirectory()) {
      throw new RecapError('unsupported_input', `${path} is a folder. Name a file in it instead.`);
    }
    return await readStream(handle.createReadStream({ autoClose: false }), basename(path), maxBytes, signal);
  } catch (error) {
    if (error instanceof RecapError) throw error;
    throw unreadable(path, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function unreadable(path: string, error: unknown): RecapError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'there is no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (its permissions do not let you read it)'
        : code === 'ENOTDIR'
          ? 'a part of the path is a file, not a folder'
          : `it cannot be read${code ? ` (${code})` : ''}`;
  return new RecapError('unsupported_input', `Can't read ${path}: ${reason}.`, { cause: error });
}

/** A file or standard input, refused as soon as it is larger than `maxBytes`; Ctrl-C stops it at once. */
function readStream(
  stream: ByteStream,
  name: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return readCapped(stream, { maxBytes, signal, tooLarge: () => fileTooLarge(name, maxBytes) });
}
