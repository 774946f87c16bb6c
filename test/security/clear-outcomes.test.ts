import { describe, expect, it } from 'vitest';
import { userMessageOf } from '../../src/core/errors.js';
import { documentFromFile } from '../../src/core/sources/file-document.js';
import { docx } from '../helpers/zip.js';

/**
 * Inputs that ended in "Something went wrong" (a RangeError, a stack overflow, a null document): each
 * now gets a correct result or a message that says what is wrong, through the real parse path.
 */
const limits = (overrides: Partial<{ maxTextBytes: number; timeoutMs: number }> = {}) => ({
  timeoutMs: 60_000,
  maxHeapMb: 256,
  maxExpandedBytes: 64 * 1024 * 1024,
  maxTextBytes: 20 * 1024 * 1024,
  signal: new AbortController().signal,
  ...overrides,
});

const read = (text: string | Buffer, name: string, overrides = {}) =>
  documentFromFile(
    { bytes: Buffer.isBuffer(text) ? text : Buffer.from(text), name, source: { kind: 'file', name } },
    limits(overrides),
  );

const GENERIC = /something went wrong/i;

describe('hostile input: a correct result or a clear message', () => {
  it('reads an HTML file with no tags as its text', async () => {
    const document = await read('Budget approved &amp; hiring paused until July.', 'notes.html');
    expect(document.text).toBe('Budget approved & hiring paused until July.');
  });

  it('reads a numeric character reference above U+10FFFF as U+FFFD', async () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nbad &#1114112; and &#x110000; good &#233;\n';
    expect((await read(vtt, 'a.vtt')).text).toBe('bad \uFFFD and \uFFFD good é');
    expect((await read('a &#99999999; b', 'page.html')).text).toBe('a \uFFFD b');
  });

  it('reads a cue of 200,000 lines', async () => {
    const vtt = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'word\n'.repeat(200_000)}`;
    const document = await read(vtt, 'long.vtt');
    expect(document.segments).toHaveLength(1);
    expect(document.text.split(' ')).toHaveLength(200_000);
  });

  it('reads the article inside 10,000 nested elements', async () => {
    const paragraph = `<p>${'The council approved the new bike lanes after a long debate. '.repeat(8)}</p>`;
    const html = `<html><head><title>Lanes</title></head><body>${'<div>'.repeat(10_000)}${paragraph}${'</div>'.repeat(10_000)}</body></html>`;
    const document = await read(html, 'deep.html');
    expect(document.text).toContain('The council approved the new bike lanes');
  });

  it('says JSON nested 100,000 deep is not a transcript', async () => {
    const outcome = await read(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'deep.json').catch(
      userMessageOf,
    );
    expect(outcome).toMatch(/not a transcript recap knows|not valid JSON/);
    expect(outcome).not.toMatch(GENERIC);
  });

  it('refuses a document whose text is larger than RECAP_MAX_FILE_BYTES, however small the file', async () => {
    const words = Array.from({ length: 2000 }, () => 'repeated words compress well in a document');
    await expect(read(docx(words), 'big.docx', { maxTextBytes: 10_000 })).rejects.toMatchObject({
      code: 'input_too_large',
      userMessage: expect.stringMatching(/text inside big\.docx is larger than 10 KB.*RECAP_MAX_FILE_BYTES/),
    });
  });

  it('says a file that could not be read within the time limit took too long', async () => {
    const html = `<html><body>${'<div class="c"><p>word word word.</p></div>'.repeat(30_000)}</body></html>`;
    await expect(read(html, 'slow.html', { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'unsupported_input',
      userMessage: "Can't read slow.html: it took too long to read.",
    });
  });
});
