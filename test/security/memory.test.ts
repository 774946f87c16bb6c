import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileRequest, runParse } from '../../src/core/sources/file-document.js';
import type { WorkerRequest } from '../../src/core/sources/parse-protocol.js';
import { describeAnswer, HOSTILE } from './hostile.js';

/**
 * Memory grows at most linearly with hostile input, and not at all with a bomb's expansion. Each
 * case goes through recap's real path: the parse runs in its own bounded process, whose peak memory
 * it reports with its answer, a refusal's too. Sizes are compared within one run; no absolute amount
 * is asserted beyond "does not grow".
 */
const MB = 1024 * 1024;
const LIMITS = {
  timeoutMs: 120_000,
  maxHeapMb: 256,
  maxExpandedBytes: 32 * MB,
  maxTextBytes: 64 * MB,
  signal: new AbortController().signal,
};

/** The parse's outcome, described as the time test describes it, and its process's peak memory. */
async function measureParse(request: WorkerRequest): Promise<{ outcome: string; parseMb: number }> {
  const answer = await runParse(request, LIMITS);
  return { outcome: describeAnswer(answer), parseMb: answer.stats.peakMemoryMb };
}

/** Linear growth gives about 8 for eight times the input; the floor keeps noise from counting. */
const MAX_GROWTH = 12;
const FLOOR_MB = 16;

/**
 * Every class parsed in the parse process: each file format and each of YouTube's answers. The chat
 * link scans are not here: they run on the main thread over a message already cut to the platform's
 * limit (4,000 characters on Discord, see map-event.ts), so their memory is bounded by that cut.
 */
const IN_PROCESS = HOSTILE.filter((hostile) => hostile.request);

describe('hostile input: memory grows at most linearly', () => {
  let baselineMb = 0;
  beforeAll(async () => {
    const hello = {
      bytes: Buffer.from('hello'),
      name: 'a.txt',
      source: { kind: 'file' as const, name: 'a.txt' },
    };
    baselineMb = (await measureParse(fileRequest(hello, LIMITS))).parseMb;
  }, 60_000);

  it.each(IN_PROCESS.map((hostile) => [hostile.name, hostile] as const))(
    '%s',
    { timeout: 240_000 },
    async (_, hostile) => {
      const request = (size: number) => hostile.request?.(hostile.make(size), LIMITS) as WorkerRequest;
      const small = await measureParse(request(MB));
      const large = await measureParse(request(8 * MB));
      expect(small.outcome).toMatch(hostile.outcome);
      expect(large.outcome).toMatch(hostile.outcome);
      const growth = (large.parseMb - baselineMb) / Math.max(small.parseMb - baselineMb, FLOOR_MB);
      expect(growth).toBeLessThanOrEqual(MAX_GROWTH);
    },
  );
});

/**
 * A bomb is measured in a fresh process (test/security/measure-child.ts) that asks for the parse, so
 * the memory of recap's own process, which must stay flat whatever the expansion, is measured too.
 */
const CHILD = fileURLToPath(new URL('./measure-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface Measure {
  outcome: string;
  /** The parse process's peak memory, or -1 when it was stopped. */
  parseMb: number;
  /** The peak memory of the process that asked for the parse (recap's own). */
  ownMb: number;
}

async function measure(name: string, size: number): Promise<Measure> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', TSX, CHILD, name, String(size)],
    {
      cwd: ROOT,
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measure;
}

describe('bombs: memory does not grow with the expansion', () => {
  const FLAT_MB = 32;

  it('refuses a .docx zip bomb, at 64 MB as at 512 MB', { timeout: 120_000 }, async () => {
    const small = await measure('docx bomb', 64 * MB);
    const large = await measure('docx bomb', 512 * MB);
    expect(large.outcome).toMatch(/zip bomb/);
    expect(large.ownMb).toBeLessThanOrEqual(small.ownMb + FLAT_MB);
  });

  it('reads the listed document of a .docx hiding a second one, never inflating the hidden bomb', {
    timeout: 120_000,
  }, async () => {
    const small = await measure('docx with a hidden bomb', 64 * MB);
    const large = await measure('docx with a hidden bomb', 512 * MB);
    expect(large.outcome).toBe('read 21 characters');
    expect(large.parseMb).toBeLessThanOrEqual(small.parseMb + FLAT_MB);
    expect(large.ownMb).toBeLessThanOrEqual(small.ownMb + FLAT_MB);
  });

  it('refuses a PDF whose content stream is a flate bomb, at 64 MB as at 512 MB', {
    timeout: 120_000,
  }, async () => {
    const small = await measure('pdf flate bomb', 64 * MB);
    const large = await measure('pdf flate bomb', 512 * MB);
    expect(small.outcome).toMatch(/needs too much memory/);
    expect(large.outcome).toMatch(/needs too much memory/);
    expect(large.ownMb).toBeLessThanOrEqual(small.ownMb + FLAT_MB);
  });
});
