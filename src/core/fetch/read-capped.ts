import { cancelledError } from '../errors.js';

/**
 * Bytes arriving in chunks: a fetch body (a web ReadableStream), a file or standard input (a Node
 * Readable, whose `destroy` stops it even while a read is pending).
 */
export type ByteStream = AsyncIterable<Uint8Array | string> & { destroy?(): unknown };

export interface CappedRead {
  maxBytes: number;
  signal: AbortSignal;
  /** The error for a stream longer than `maxBytes`, which says whose bytes they were. */
  tooLarge(): Error;
}

/**
 * Reads a stream to its end, refusing it (with `tooLarge()`) as soon as it holds more than `maxBytes`,
 * whatever its size claimed, and giving up (with a `cancelled` error) as soon as the signal fires, even
 * while the stream is waiting for more: a read from a terminal or a stalled peer may never return.
 * The stream is stopped in every case, so nothing keeps reading (or keeps the process alive) after.
 */
export async function readCapped(
  stream: ByteStream | null,
  { maxBytes, signal, tooLarge }: CappedRead,
): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0); // a fetch answer without a body
  const iterator = stream[Symbol.asyncIterator]();
  const aborted = rejectOnAbort(signal);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  } finally {
    aborted.stop();
    // Ending the iteration cancels a web stream (its reader holds the lock, so `cancel()` would be
    // refused); a Node stream is destroyed, since its iterator cannot end while a read is pending.
    if (stream.destroy) stream.destroy();
    else iterator.return?.().catch(() => undefined);
  }
}

/** A promise that fails when the signal fires, and a way to stop listening once it is not needed. */
function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; stop(): void } {
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<never>((_, fail) => {
    reject = fail;
  });
  promise.catch(() => undefined);
  const onAbort = () => reject(cancelledError(signal.reason));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { promise, stop: () => signal.removeEventListener('abort', onAbort) };
}
