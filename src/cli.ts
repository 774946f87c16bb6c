import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecap, type RecapRuntime } from './app.js';
import { describeProgress } from './commands/progress-text.js';
import { readRequest, runSummarize } from './commands/summarize.js';
import { loadConfig } from './config.js';
import { describeCauses, isRecapError, RecapError, userMessageOf } from './core/errors.js';
import { fileTooLarge } from './core/sources/sources.js';
import { renderForModel } from './core/summarize/chunking.js';
import type { Document, Input } from './core/types.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: AsyncIterable<Uint8Array | string>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  signal: AbortSignal;
  /** Where extra diagnostics go (the cause chain of a failure); silent unless RECAP_DEBUG is set. */
  debug?: (text: string) => void;
  runtime?: RecapRuntime;
}

export const USAGE = `Usage:
  recap summarize <file | url | -> [--title T] [--model M] [--host H] [--lang L] [--json]
  recap extract <file | url | -> [--json]
  recap start          start the chat bots whose credentials are set

  summarize   print five bullets summarizing a file, a link, or standard input (-)
  extract     print what recap reads from it (title and text; --json adds timed segments)

Options:
  --title T   the title to give the model (a video's or a meeting's name)
  --model M   the Ollama model (default: OLLAMA_MODEL, else llama3.2)
  --host H    the Ollama server (default: OLLAMA_HOST, else http://127.0.0.1:11434)
  --lang L    write the bullets in this language (default: the content's own)
  --json      machine-readable output

Reads .txt, .md, .vtt, .srt, .docx, .pdf, .json and .html files, YouTube links and web pages.
`;

type Command = 'summarize' | 'extract';

/** Runs `recap summarize …` or `recap extract …` and returns the exit code. Never throws. */
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
    const recap = createRecap(loadConfig(env), io.runtime);
    const request = {
      input: await inputFromArgument(args.source, io),
      title: args.title,
      language: args.lang,
    };
    if (args.command === 'extract') {
      const document = await readRequest(request, recap.sources, io.signal);
      io.stdout.write(args.json ? `${JSON.stringify(documentJson(document))}\n` : documentText(document));
      return 0;
    }
    const reply = await runSummarize(request, recap, {
      signal: io.signal,
      onProgress: (p) => progress.show(describeProgress(p)),
    });
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
  if (command !== 'summarize' && command !== 'extract') {
    throw new Error(command ? `unknown command "${command}"` : 'no command given');
  }
  if (source === undefined) throw new Error(`${command} needs a file, a link, or - for standard input`);
  if (rest.length > 0) throw new Error(`unexpected arguments: ${rest.join(' ')}`);
  return { command: command as Command, source, ...values };
}

async function inputFromArgument(source: string, io: CliIo): Promise<Input> {
  if (source === '-') return { kind: 'text', text: await readAll(io.stdin) };
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
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : 'it cannot be read';
    throw new RecapError('unsupported_input', `Can't read ${path}: ${reason}.`, { cause: error });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of handle.createReadStream({ signal })) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw fileTooLarge(basename(path), maxBytes);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof RecapError) throw error;
    throw new RecapError('unsupported_input', `Can't read ${path}: it cannot be read.`, { cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function documentJson(document: Document) {
  return {
    title: document.title ?? null,
    source: document.source,
    language: document.language ?? null,
    text: document.text,
    segments: document.segments ?? null,
  };
}

/** The title, then the text exactly as the model is given it. */
function documentText(document: Document): string {
  return `${document.title ? `# ${document.title}\n\n` : ''}${renderForModel(document)}\n`;
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
