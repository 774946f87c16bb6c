import type { RecapRuntime } from './app.js';
import { commandHelp, overview, parseCommandLine, usageFor } from './cli/command-line.js';
import type { StandardInput } from './cli/read-input.js';
import { recapVersion } from './cli/version.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: StandardInput;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  signal: AbortSignal;
  /** Where extra diagnostics go (the cause chain of a failure); silent unless RECAP_DEBUG is on. */
  debug?: (text: string) => void;
  runtime?: RecapRuntime;
  /** The commands that run the chat platforms; only the recap program (main.ts) provides them. */
  chat?: { start(): Promise<number>; registerDiscord(): Promise<number> };
}

/**
 * Runs `recap <command> …` and returns the exit code: 0, 1 for a failure, 2 for a usage error, 130 when
 * interrupted. Help, the version and usage errors answer without loading the core or any chat library.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const line = parseCommandLine(argv);
  switch (line.kind) {
    case 'help':
      io.stdout.write(line.command ? commandHelp(line.command) : overview());
      return 0;
    case 'version':
      io.stdout.write(`recap ${recapVersion()}\n`);
      return 0;
    case 'usage-error':
      io.stderr.write(`recap: ${line.message}.\n${usageFor(line.command)}`);
      return 2;
    case 'start':
    case 'register-discord': {
      if (!io.chat) {
        io.stderr.write(`recap: ${line.kind} runs the chat platforms; run it as \`recap ${line.kind}\`.\n`);
        return 2;
      }
      return line.kind === 'start' ? io.chat.start() : io.chat.registerDiscord();
    }
    default: {
      const { runSourceCommand } = await import('./cli/source-commands.js');
      return runSourceCommand(line, io);
    }
  }
}
