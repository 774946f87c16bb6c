/**
 * Hostile input against every parser, through recap's real path (each parse in its own bounded
 * process, with the default limits): the worst case per parser, in milliseconds of parsing per MB of
 * input and peak memory of the parse process above an idle one. Bombs are expected to be refused;
 * honest large files to be read within the same limits.
 */
import { ParseLimitError } from '../src/core/sources/bounded-process.js';
import { DEFAULT_PARSER_LIMITS, fileRequest, runParse } from '../src/core/sources/file-document.js';
import type { WorkerRequest } from '../src/core/sources/parse-protocol.js';
import { flateBombPdf, textPdf } from '../test/helpers/pdf.js';
import { docx, docxBomb, docxWithHiddenBomb } from '../test/helpers/zip.js';
import { describeValue, HOSTILE } from '../test/security/hostile.js';
import { youtubeVtt } from './sources.js';

const MB = 1024 * 1024;
const SIZE = 4 * MB;

interface Row {
  parser: string;
  input: string;
  mb: number;
  outcome: string;
  ms: number;
  peakMb: number | undefined;
}

const LIMITS = { ...DEFAULT_PARSER_LIMITS, maxTextBytes: 20 * MB, signal: new AbortController().signal };

function parse(parser: string, input: string, bytes: Buffer, name: string): Promise<Row> {
  return measure(parser, input, fileRequest({ bytes, name, source: { kind: 'file', name } }, LIMITS));
}

/** An outcome as one table cell: a parser's message may span lines (a zod error). */
const oneLine = (outcome: string) => outcome.replace(/\s+/g, ' ').slice(0, 40);

/** One parse in its process, with its cost; a process stopped at a limit reports none (marked *). */
async function measure(parser: string, input: string, request: WorkerRequest): Promise<Row> {
  const started = performance.now();
  const row = { parser, input, mb: request.bytes.length / MB };
  try {
    const answer = await runParse(request, LIMITS);
    const outcome = answer.ok
      ? describeValue(answer.value)
      : 'code' in answer
        ? answer.userMessage.replace(/^.*?: /, '')
        : answer.failure;
    return { ...row, outcome: oneLine(outcome), ms: answer.stats.ms, peakMb: answer.stats.peakMemoryMb };
  } catch (error) {
    const outcome = error instanceof ParseLimitError ? `stopped: ${error.message}` : String(error);
    return { ...row, outcome: oneLine(outcome), ms: performance.now() - started, peakMb: undefined };
  }
}

function inThread(parser: string, input: string, text: string, run: (text: string) => unknown): Row {
  const started = performance.now();
  const outcome = `${describeValue(run(text))} (main thread)`;
  return {
    parser,
    input,
    mb: text.length / MB,
    outcome,
    ms: performance.now() - started,
    peakMb: undefined,
  };
}

export async function benchSecurity(): Promise<void> {
  const idle = await parse('idle', 'a 5-byte text file', Buffer.from('hello'), 'a.txt');
  const rows: Row[] = [];
  for (const hostile of HOSTILE) {
    const kind = hostile.name.split(' ')[0] ?? '';
    const text = hostile.make(SIZE);
    if (hostile.request) rows.push(await measure(kind, hostile.name, hostile.request(text, LIMITS)));
    else rows.push(inThread('chat links', hostile.name, text, hostile.parse));
  }
  rows.push(await parse('docx', 'zip bomb, 1 GB expanded', docxBomb(1024 * MB), 'bomb.docx'));
  rows.push(
    await parse('docx', 'directory hiding a 1 GB bomb', docxWithHiddenBomb(1024 * MB), 'hidden.docx'),
  );
  rows.push(await parse('pdf', 'flate bomb, 1 GB expanded', flateBombPdf(1024 * MB), 'bomb.pdf'));
  rows.push(await parse('VTT', 'honest: 30 hours of auto-captions', Buffer.from(youtubeVtt(30)), 'long.vtt'));
  const pages = Array.from({ length: 1500 }, (_, page) =>
    Array.from(
      { length: 40 },
      (_, line) => `Page ${page} line ${line}: the budget was approved and hiring paused.`,
    ),
  );
  rows.push(await parse('pdf', 'honest: 1,500 pages of text', textPdf(pages), 'long.pdf'));
  const paragraphs = Array.from(
    { length: 20_000 },
    (_, i) => `Paragraph ${i}: the council approved the bike lanes.`,
  );
  rows.push(await parse('docx', 'honest: 20,000 paragraphs', docx(paragraphs), 'long.docx'));

  console.log(
    `\nSecurity: hostile input through the real parse path (limits: ${DEFAULT_PARSER_LIMITS.timeoutMs / 1000} s, heap ${DEFAULT_PARSER_LIMITS.maxHeapMb} MB, buffers ${DEFAULT_PARSER_LIMITS.maxExpandedBytes / MB} MB)`,
  );
  console.log(`An idle parse process peaks at ${idle.peakMb?.toFixed(0)} MB; peaks below are above that.`);
  console.log(
    'ms: parsing, in the parse process (a refusal it made included); marked * for a process stopped',
  );
  console.log(
    'at a limit, the whole request (process start included), since a stopped process reports nothing.',
  );
  console.log(
    'parser              input                                        MB  outcome                                        ms    ms/MB  peak MB',
  );
  for (const row of rows) console.log(format(row, idle.peakMb ?? 0));
  console.log('\nWorst case per parser (hostile input only):');
  const worst = new Map<string, Row>();
  for (const row of rows.filter((candidate) => !candidate.input.startsWith('honest'))) {
    const current = worst.get(row.parser);
    if (!current || row.ms / row.mb > current.ms / current.mb) worst.set(row.parser, row);
  }
  for (const row of worst.values()) console.log(format(row, idle.peakMb ?? 0));
}

function format(row: Row, idleMb: number): string {
  return [
    row.parser.padEnd(18),
    row.input.slice(0, 40).padEnd(40),
    row.mb.toFixed(2).padStart(6),
    row.outcome.padEnd(40),
    `${row.ms.toFixed(0)}${row.peakMb === undefined && !row.outcome.endsWith('(main thread)') ? '*' : ' '}`.padStart(
      8,
    ),
    (row.ms / Math.max(row.mb, 0.001)).toFixed(0).padStart(7),
    row.peakMb === undefined ? '      -' : (row.peakMb - idleMb).toFixed(0).padStart(7),
  ].join('  ');
}
