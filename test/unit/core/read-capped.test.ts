import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapped } from '../../../src/core/fetch/read-capped.js';

const tooLarge = () => new Error('too large');
const options = (maxBytes: number, signal = new AbortController().signal) => ({ maxBytes, signal, tooLarge });

describe('readCapped: one byte-capped reader for fetch bodies, files and standard input', () => {
  it('reads bytes and text chunks to the end', async () => {
    const stream = new PassThrough();
    stream.end('héllo');
    expect((await readCapped(stream, options(6))).toString()).toBe('héllo');
    expect((await readCapped(new Response('abc').body, options(3))).toString()).toBe('abc');
  });

  it('refuses a stream as soon as it passes the cap, and stops it', async () => {
    const stream = new PassThrough();
    stream.write('12345');
    stream.write('6'); // never ended: only the cap can stop the read
    await expect(readCapped(stream, options(5))).rejects.toThrow('too large');
    expect(stream.destroyed).toBe(true);
  });

  it('cancels a web stream it refused, so its source stops sending', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(1024)),
      cancel: () => {
        cancelled = true;
      },
    });
    await expect(readCapped(body, options(4096))).rejects.toThrow('too large');
    expect(cancelled).toBe(true);
  });

  it('gives up at once when the signal fires, even while a read is pending', async () => {
    const stream = new PassThrough(); // nothing ever arrives
    const controller = new AbortController();
    const reading = readCapped(stream, options(10, controller.signal));
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: 'cancelled' });
    expect(stream.destroyed).toBe(true);
  });

  it('reads nothing from an answer without a body', async () => {
    expect(await readCapped(null, options(1))).toHaveLength(0);
  });
});
