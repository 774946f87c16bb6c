/**
 * Memory per job: 50 files of 1 MB sent at once, each read through `createRecap(...).sources` and
 * summarized through its `service` (the fake Ollama behind it, in this process), measured in a fresh
 * process as its peak resident memory above the same process idle, per MB of input. The files are
 * parsed in child processes (bounded on their own: see bench/security.ts); this is what the bot's
 * own process holds: the bytes until their parse ends, the documents waiting in the queue, and the
 * prompts of the summary under way. Aim (issue 10): under 3 MB per MB of input.
 *
 * The fake answers at once, so the summaries allocate far faster than with a real model, and V8 lets
 * garbage pile up before a full collection accordingly: the peak varies from run to run by when that
 * collection came. The last column runs the same with a collection every 250 ms: what the jobs
 * themselves hold. The middle columns say what the peak was made of, sampled every 10 ms: V8's heap
 * (the documents waiting, and garbage not yet collected), buffers outside it (bytes of files and of
 * the parse processes' messages), and the rest: memory the C allocator took for such buffers and
 * keeps after they are freed (glibc keeps freed chunks below its mmap threshold, which rises to the
 * size of the largest buffer freed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeOllama } from '../test/fakes/ollama.js';
import { CHARACTERS } from '../test/fakes/ollama-prompt.js';
import { qmsumMeeting } from '../test/helpers/fixtures.js';

const FILES = 50;
const FILE_BYTES = 1024 * 1024;
const CHILD = '--memory-child';

type Kind = 'txt' | 'vtt';

interface Measured {
  idleMb: number;
  peakMb: number;
  /** Of the largest resident size sampled, above idle: V8's heap, buffers outside it, and the rest. */
  atPeak: { heapMb: number; externalMb: number; otherMb: number };
  inputMb: number;
  summaries: number;
  ms: number;
  cpuMs: number;
}

/** Speaker turns from a QMSum meeting as the lines of a file of `kind`, about `bytes` long. */
export function fileText(kind: Kind, index: number, bytes: number): string {
  const turns = qmsumMeeting('Bmr006');
  const lines = [kind === 'vtt' ? 'WEBVTT\n' : `Meeting ${index} of the series.`];
  let size = 0;
  for (let turn = 0; size < bytes; turn++) {
    const { speaker, content } = turns[turn % turns.length] ?? { speaker: '', content: '' };
    const line =
      kind === 'vtt'
        ? `${cueTime(turn * 4)} --> ${cueTime(turn * 4 + 4)}\n<v ${speaker}>${index}: ${content}\n`
        : `${speaker}: ${content}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function cueTime(seconds: number): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.000`;
}

export async function benchMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recap-memory-'));
  const fake = await startFakeOllama({ record: false, tokenizer: CHARACTERS, tokenInflation: 0.25 });
  try {
    console.log(
      `\nMemory: ${FILES} files of ${FILE_BYTES / 1024 / 1024} MB at once through sources and the service (fake Ollama), in a fresh process`,
    );
    console.log(
      'files   input MB   idle MB   peak above idle MB   MB per MB of input   of which heap / external / other   summaries   time s    cpu s   same, collected every 250 ms',
    );
    for (const kind of ['txt', 'vtt'] as const) {
      for (let index = 0; index < FILES; index++) {
        writeFileSync(join(dir, `${kind}-${index}.${kind}`), fileText(kind, index, FILE_BYTES));
      }
      const result = await measure(kind, dir, fake.url, false);
      const collected = await measure(kind, dir, fake.url, true);
      console.log(
        [
          `.${kind}`.padEnd(5),
          result.inputMb.toFixed(1).padStart(10),
          result.idleMb.toFixed(0).padStart(9),
          result.peakMb.toFixed(0).padStart(20),
          (result.peakMb / result.inputMb).toFixed(2).padStart(20),
          shares(result).padStart(34),
          `${result.summaries}/${FILES}`.padStart(11),
          (result.ms / 1000).toFixed(1).padStart(8),
          (result.cpuMs / 1000).toFixed(1).padStart(8),
          (collected.peakMb / collected.inputMb).toFixed(2).padStart(24),
        ].join(' '),
      );
    }
    console.log('aim: under 3 MB per MB of input (issue 10)');
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peak's parts per MB of input, as `heap / external / other`. */
function shares({ atPeak, inputMb }: Measured): string {
  return [atPeak.heapMb, atPeak.externalMb, atPeak.otherMb]
    .map((mb) => (mb / inputMb).toFixed(2))
    .join(' / ');
}

async function measure(kind: Kind, dir: string, ollamaUrl: string, collect: boolean): Promise<Measured> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, CHILD, kind, dir, ollamaUrl, String(collect)],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured;
}

/** In the measured process: one small job to load everything, then every file at once. */
async function child(kind: Kind, dir: string, ollamaUrl: string, collect: boolean): Promise<Measured> {
  // The built program, as `npm start` runs it (npm run bench builds first): its parse processes
  // start from JavaScript, not through tsx.
  const { createRecap } = (await import(built('app.js'))) as typeof import('../src/app.js');
  const { loadConfig } = (await import(built('config.js'))) as typeof import('../src/config.js');
  const recap = createRecap(
    loadConfig({
      OLLAMA_HOST: ollamaUrl,
      OLLAMA_MODEL: 'llama3.2',
      RECAP_QUEUE_MAX: String(FILES),
      RECAP_MAX_MODEL_CALLS: '1000',
    }),
  );
  const signal = new AbortController().signal;
  const job = async (name: string, download: () => Promise<Uint8Array>) => {
    const document = await recap.sources.read({ kind: 'file', name, download }, { signal });
    return recap.service.summarize(document, { signal });
  };
  // A job that fails is counted out (the summaries column), not allowed to end the measurement.
  const counted = async (name: string, download: () => Promise<Uint8Array>) => {
    try {
      return await job(name, download);
    } catch (error) {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const sample = fileText(kind, -1, 4096);
  await job(`warm-up.${kind}`, async () => Buffer.from(sample));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const idle = process.memoryUsage();
  const sampler = samplePeak();
  // The second run collects every 250 ms: what the jobs hold, without the garbage V8 lets pile up.
  const collector = collect ? setInterval(() => gc?.(), 250) : undefined;
  const started = performance.now();
  const names = Array.from({ length: FILES }, (_, index) => `${kind}-${index}.${kind}`);
  const results = await Promise.all(names.map((name) => counted(name, () => readFile(join(dir, name)))));
  const ms = performance.now() - started;
  clearInterval(collector);
  const cpu = process.cpuUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  const sampled = sampler.stop();
  const inputBytes = names.reduce((sum, name) => sum + readFileSync(join(dir, name)).length, 0);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    idleMb: mb(idle.rss),
    peakMb: mb(peak - idle.rss),
    atPeak: {
      heapMb: mb(sampled.heapTotal - idle.heapTotal),
      externalMb: mb(sampled.external - idle.external),
      otherMb: mb(
        sampled.rss - sampled.heapTotal - sampled.external - (idle.rss - idle.heapTotal - idle.external),
      ),
    },
    inputMb: mb(inputBytes),
    summaries: results.filter((result) => result?.bullets.length === 5).length,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** The memory figures at the largest resident size seen, sampled every 10 ms until `stop`. */
function samplePeak(): { stop(): NodeJS.MemoryUsage } {
  let peak = process.memoryUsage();
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

function built(module: string): string {
  return new URL(`../dist/${module}`, import.meta.url).href;
}

if (process.argv[2] === CHILD) {
  const [kind, dir, url, collect] = process.argv.slice(3) as [Kind, string, string, string];
  console.log(JSON.stringify(await child(kind, dir, url, collect === 'true')));
  process.exit(0);
}
