/**
 * Run in a fresh process by memory.test.ts (node --import tsx): parses one generated input through
 * recap's real path (the parse process and its limits) and prints the outcome, the parse process's
 * peak memory (when it finished) and this process's own, which must stay flat whatever the input.
 * `node --import tsx test/security/measure-child.ts <case> <size>`.
 */
import { parseBounded } from '../../src/core/sources/file-document.js';
import { flateBombPdf } from '../helpers/pdf.js';
import { docxBomb, docxWithHiddenBomb } from '../helpers/zip.js';

/** Small caps, so a bomb is stopped early and the test stays light. */
export const CHILD_LIMITS = {
  timeoutMs: 60_000,
  maxHeapMb: 256,
  maxExpandedBytes: 32 * 1024 * 1024,
  maxTextBytes: 64 * 1024 * 1024,
};

const FILES: Record<string, (size: number) => { bytes: Buffer; name: string }> = {
  baseline: () => ({ bytes: Buffer.from('hello'), name: 'a.txt' }),
  'docx bomb': (size) => ({ bytes: docxBomb(size), name: 'bomb.docx' }),
  'docx with a hidden bomb': (size) => ({ bytes: docxWithHiddenBomb(size), name: 'hidden.docx' }),
  'pdf flate bomb': (size) => ({ bytes: flateBombPdf(size), name: 'bomb.pdf' }),
};
function input(name: string, size: number): { bytes: Buffer; name: string } {
  const file = FILES[name];
  if (!file) throw new Error(`no file case named ${name}`);
  return file(size);
}

const [name = 'baseline', size = '0'] = process.argv.slice(2);
const { bytes, name: fileName } = input(name, Number(size));
const started = performance.now();
const { outcome, parseMb } = await parseBounded(
  { bytes, name: fileName, source: { kind: 'file', name: fileName } },
  { ...CHILD_LIMITS, signal: new AbortController().signal },
).then(
  ({ document, stats }) => ({
    outcome: `read ${document.text.length} characters`,
    parseMb: stats.peakMemoryMb,
  }),
  (error: { code?: string; userMessage?: string }) => ({
    outcome: `${error.code}: ${error.userMessage}`,
    parseMb: -1,
  }),
);
const ms = performance.now() - started;
console.log(JSON.stringify({ outcome, ms, parseMb, ownMb: process.resourceUsage().maxRSS / 1024 }));
