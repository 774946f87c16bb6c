import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Memory grows at most linearly with hostile input, and not at all with a bomb's expansion. Each case
 * runs in a fresh process (test/security/measure-child.ts) through recap's real path: the parse runs
 * in its own bounded process, whose peak memory is reported back. Sizes are compared within one run;
 * no absolute amount is asserted beyond "does not grow".
 */
const CHILD = fileURLToPath(new URL('./measure-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const MB = 1024 * 1024;

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

/** Linear growth gives about 8 for eight times the input; the floor keeps noise from counting. */
const MAX_GROWTH = 12;
const FLOOR_MB = 16;

describe('hostile input: memory grows at most linearly', () => {
  let baselineMb = 0;
  beforeAll(async () => {
    baselineMb = (await measure('baseline', 0)).parseMb;
  }, 60_000);

  it.each([
    'VTT cue of many lines',
    'SRT speaker-like lines',
    'Markdown "![" runs',
    'HTML nested elements',
    'HTML flat paragraphs',
  ])('%s', { timeout: 120_000 }, async (name) => {
    const small = await measure(name, MB);
    const large = await measure(name, 8 * MB);
    expect(small.parseMb, small.outcome).toBeGreaterThan(0);
    expect(large.parseMb, large.outcome).toBeGreaterThan(0);
    const growth = (large.parseMb - baselineMb) / Math.max(small.parseMb - baselineMb, FLOOR_MB);
    expect(growth).toBeLessThanOrEqual(MAX_GROWTH);
  });
});

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
