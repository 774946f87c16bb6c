import { createRecap } from '../app.js';
import type { CliIo } from '../cli.js';
import { describeProgress } from '../commands/progress-text.js';
import { readRequest, runSummarize } from '../commands/summarize.js';
import { loadConfig } from '../config.js';
import { describeCauses, isRecapError, userMessageOf } from '../core/errors.js';
import { renderForModel } from '../core/summarize/chunking.js';
import type { Document } from '../core/types.js';
import type { SourceCommandName, SourceOptions } from './command-line.js';
import { inputFromArgument } from './read-input.js';

export interface SourceCommand {
  kind: SourceCommandName;
  source: string;
  options: SourceOptions;
}

/** `recap summarize …` and `recap extract …`: the exit code, after one line on stderr for a failure. */
export async function runSourceCommand(command: SourceCommand, io: CliIo): Promise<number> {
  const { options } = command;
  const progress = progressLine(io.stderr);
  try {
    const env = {
      ...io.env,
      ...(options.model ? { OLLAMA_MODEL: options.model } : {}),
      ...(options.host ? { OLLAMA_HOST: options.host } : {}),
    };
    // Only the settings this command uses are read: a bot's bad setting cannot stop the CLI.
    const recap = createRecap(loadConfig(env, command.kind), io.runtime);
    const request = {
      input: inputFromArgument(command.source, { stdin: io.stdin, prompt: (text) => progress.note(text) }),
      title: options.title,
      language: options.lang,
    };
    if (command.kind === 'extract') {
      const document = await readRequest(request, recap.sources, io.signal);
      io.stdout.write(options.json ? `${JSON.stringify(documentJson(document))}\n` : documentText(document));
      return 0;
    }
    const reply = await runSummarize(request, recap, {
      signal: io.signal,
      onProgress: (p) => progress.show(describeProgress(p)),
    });
    progress.clear();
    if (options.json) {
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
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** On a terminal, one line rewritten in place; elsewhere (a log, a pipe), one line per change. */
function progressLine(stream: CliIo['stderr']) {
  let last = '';
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
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
    /** A line that stays (the progress line is redrawn below it at the next change). */
    note(text: string) {
      clear();
      last = '';
      stream.write(`${text}\n`);
    },
    clear,
  };
}
