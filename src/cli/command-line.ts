/**
 * What `recap …` was asked to do, read from the command line in recap's own words. This module loads
 * nothing heavy: `recap --help`, `--version` and usage errors answer before any library is loaded.
 */

export type SourceCommandName = 'summarize' | 'extract';
export type CommandName = SourceCommandName | 'start' | 'register-discord';

export interface SourceOptions {
  title?: string;
  model?: string;
  host?: string;
  lang?: string;
  json: boolean;
}

export type CommandLine =
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string; command?: CommandName }
  | { kind: SourceCommandName; source: string; options: SourceOptions }
  | { kind: 'start' | 'register-discord' };

type OptionName = 'title' | 'model' | 'host' | 'lang' | 'json';

interface CommandSpec {
  synopsis: string;
  summary: string;
  options: readonly OptionName[];
  takesSource: boolean;
  details: string;
}

const OPTION_HELP: Record<OptionName, string> = {
  title: '--title T   the title to give the model (a video’s or a meeting’s name)',
  model: '--model M   the Ollama model (default: OLLAMA_MODEL, else llama3.2)',
  host: '--host H    the Ollama server (default: OLLAMA_HOST, else http://127.0.0.1:11434)',
  lang: '--lang L    the language to write in, or of the captions to read (default: the content’s own)',
  json: '--json      machine-readable output on stdout',
};

const SOURCES =
  'It reads .txt, .md, .vtt, .srt, .docx, .pdf, .json and .html files, YouTube links, web pages,\n' +
  'and standard input (-), whose format is recognized as a file’s would be.';

const COMMANDS: Record<CommandName, CommandSpec> = {
  summarize: {
    synopsis: 'recap summarize <file | url | -> [--title T] [--model M] [--host H] [--lang L] [--json]',
    summary: 'print five bullets summarizing a file, a link, or standard input (-)',
    options: ['title', 'model', 'host', 'lang', 'json'],
    takesSource: true,
    details:
      'Prints five "- " lines written by the Ollama model; progress goes to stderr.\n' +
      '--json prints {"title", "bullets", "model", "stats"} instead.',
  },
  extract: {
    synopsis: 'recap extract <file | url | -> [--title T] [--lang L] [--json]',
    summary: 'print what recap reads from it, without a model',
    options: ['title', 'lang', 'json'],
    takesSource: true,
    details:
      'Prints the title, then the text exactly as the model would get it ([m:ss] lines for timed\n' +
      'transcripts). --json prints the document with its timed segments.',
  },
  start: {
    synopsis: 'recap start',
    summary: 'run the chat bots whose credentials are set (Discord, Slack, or both)',
    options: [],
    takesSource: false,
    details:
      'Runs the Discord bot when DISCORD_TOKEN is set and the Slack app when SLACK_BOT_TOKEN is, with\n' +
      'the settings in the environment or a .env file in the working directory, until it is stopped\n' +
      '(Ctrl-C or SIGTERM).',
  },
  'register-discord': {
    synopsis: 'recap register-discord',
    summary: 'register /summarize and Apps → Summarize with Discord',
    options: [],
    takesSource: false,
    details:
      'Registers /summarize and Apps → Summarize with Discord: to the server DISCORD_GUILD_ID when it is\n' +
      'set (at once), otherwise to every server (Discord takes up to an hour to show them).',
  },
};

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

function isCommandName(name: string | undefined): name is CommandName {
  return COMMAND_NAMES.includes(name as CommandName);
}

/** The short usage printed for `recap --help` and under a usage error without a command. */
export function overview(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  const lines = COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`);
  return [
    'Usage: recap <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'recap <command> --help   what a command does and its options',
    'recap --version          the version',
    '',
    SOURCES,
    '',
  ].join('\n');
}

/** `recap <command> --help`. */
export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  const options = spec.options.map((option) => `  ${OPTION_HELP[option]}`);
  return [
    `Usage: ${spec.synopsis}`,
    '',
    spec.details,
    ...(options.length > 0 ? ['', 'Options:', ...options] : []),
    ...(spec.takesSource ? ['', SOURCES] : []),
    '',
  ].join('\n');
}

/** The usage line for one command, or the overview, shown under a usage error. */
export function usageFor(name: CommandName | undefined): string {
  if (name === undefined) return overview();
  return `Usage: ${COMMANDS[name].synopsis}\nRun \`recap ${name} --help\` for details.\n`;
}

/** Reads `recap <command> [options]`. Never throws: a mistake becomes a `usage-error`. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'usage-error', message: 'no command given' };
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-v' || first === '-V') return { kind: 'version' };
  if (first === 'help') return helpFor(rest);
  if (!isCommandName(first)) {
    const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`;
    return { kind: 'usage-error', message: `${what}. The commands are ${listOf(COMMAND_NAMES, 'and')}` };
  }
  const terminator = rest.indexOf('--');
  const options = terminator === -1 ? rest : rest.slice(0, terminator);
  if (options.includes('--help') || options.includes('-h')) return { kind: 'help', command: first };
  return parseCommand(first, rest);
}

function helpFor(rest: readonly string[]): CommandLine {
  const [name] = rest;
  if (name === undefined) return { kind: 'help' };
  if (isCommandName(name)) return { kind: 'help', command: name };
  return { kind: 'usage-error', message: `there is no command "${name}" to explain` };
}

function parseCommand(name: CommandName, args: readonly string[]): CommandLine {
  const spec = COMMANDS[name];
  const positionals: string[] = [];
  const options: SourceOptions = { json: false };
  const fail = (message: string): CommandLine => ({ kind: 'usage-error', message, command: name });
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const [flag = arg, inline] = splitInline(arg);
    const option = flag.replace(/^--?/, '') as OptionName;
    if (!flag.startsWith('--') || !spec.options.includes(option)) {
      return fail(unknownOption(name, flag, spec.options));
    }
    if (option === 'json') {
      if (inline !== undefined) return fail('--json takes no value');
      options.json = true;
      continue;
    }
    const value = inline ?? args[index + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      return fail(`${flag} needs a value, as in ${flag} "…"`);
    }
    if (inline === undefined) index++;
    options[option] = value;
  }
  if (!spec.takesSource) {
    return positionals.length === 0
      ? { kind: name as 'start' | 'register-discord' }
      : fail(`${name} takes no arguments, but was given ${positionals.join(' ')}`);
  }
  const [source, ...extra] = positionals;
  if (source === undefined) return fail(`${name} needs a file, a link, or - for standard input`);
  if (extra.length > 0) return fail(`${name} reads one source at a time; also given: ${extra.join(' ')}`);
  return { kind: name as SourceCommandName, source, options };
}

function splitInline(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

function unknownOption(name: CommandName, flag: string, options: readonly OptionName[]): string {
  if (options.length === 0) return `${name} has no options, but was given ${flag}`;
  return `${name} has no option ${flag}; it takes ${listOf(
    options.map((option) => `--${option}`),
    'and',
  )}`;
}

function listOf(items: readonly string[], conjunction: string): string {
  return items.length < 2
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) as string}`;
}
