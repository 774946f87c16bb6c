import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecapService } from './app.js';
import { describeProgress } from './commands/progress-text.js';
import { runSummarize } from './commands/summarize.js';
import { loadConfig } from './config.js';
import { describeCauses, isRecapError, RecapError, userMessageOf } from './core/errors.js';
import type { Input } from './core/types.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: AsyncIterable<Uint8Array | string>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  signal: AbortSignal;
  /** Where extra diagnostics go (the cause chain of a failure); silent unless RECAP_DEBUG is set. */
  debug?: (text: string) => void;
}

export const USAGE = `Usage:
  recap summarize <file | url | -> [--title T] [--model M] [--host H] [--lang L] [--json]
  recap start          start the chat bots whose credentials are set

Options:
  --title T   the title to give the model (a video's or a meeting's name)
  --model M   the Ollama model (default: OLLAMA_MODEL, else llama3.2)
  --host H    the Ollama server (default: OLLAMA_HOST, else http://127.0.0.1:11434)
  --lang L    write the bullets in this language (default: the content's own)
  --json      print {"title", "bullets", "model", "stats"} instead of "- " lines
`;

/** Runs `recap summarize …` and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`recap: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const progress = progressLine(io.stderr);
  try {
    const env = {
      ...io.env,
      ...(args.model ? { OLLAMA_MODEL: args.model } : {}),
      ...(args.host ? { OLLAMA_HOST: args.host } : {}),
    };
    const service = createRecapService(loadConfig(env));
    const input = await inputFromArgument(args.source, io);
    const reply = await runSummarize(
      { input, title: args.title, language: args.lang },
      { service },
      { signal: io.signal, onProgress: (p) => progress.show(describeProgress(p)) },
    );
    progress.clear();
    if (args.json) {
      const { title, bullets, model, stats } = reply;
      io.stdout.write(`${JSON.stringify({ title: title ?? null, bullets, model, stats })}\n`);
    } else {
      io.stdout.write(`${reply.bullets.map((bullet) => `- ${bullet}`).join('\n')}\n`);
    }
    return 0;
  } catch (error) {
    progress.clear();
    io.stderr.write(`recap: ${oneLine(userMessageOf(error))}\n`);
    io.debug?.(describeCauses(error));
    return isRecapError(error) && error.code === 'cancelled' ? 130 : 1;
  }
}

function parseCliArgs(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      model: { type: 'string' },
      host: { type: 'string' },
      lang: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [command, source, ...rest] = positionals;
  if (command !== 'summarize') throw new Error(command ? `unknown command "${command}"` : 'no command given');
  if (source === undefined) throw new Error('summarize needs a file, a link, or - for standard input');
  if (rest.length > 0) throw new Error(`unexpected arguments: ${rest.join(' ')}`);
  return { source, ...values };
}

async function inputFromArgument(source: string, io: CliIo): Promise<Input> {
  if (source === '-') return { kind: 'text', text: await readAll(io.stdin) };
  if (/^https?:\/\//i.test(source)) return { kind: 'url', url: new URL(source) };
  return {
    kind: 'file',
    name: basename(source),
    download: async (signal) => {
      try {
        return await readFile(source, { signal });
      } catch (error) {
        const reason =
          (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'it cannot be read';
        throw new RecapError('unsupported_input', `Can't read ${source}: ${reason}.`, { cause: error });
      }
    },
  };
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** On a terminal, one line rewritten in place; elsewhere (a log, a pipe), one line per change. */
function progressLine(stream: CliIo['stderr']) {
  let last = '';
  let shown = false;
  return {
    show(text: string) {
      if (text === last) return;
      last = text;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${text}…`);
        shown = true;
      } else {
        stream.write(`${text}…\n`);
      }
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
