import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { fixturePath, googleMemo, readFixture } from '../helpers/fixtures.js';
import { budget, LIMITS, MAIN, spawnRecap, watch } from '../helpers/spawn.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

interface CliOptions {
  env?: Record<string, string>;
  stdin?: string | Buffer | Readable;
  isTTY?: boolean;
  signal?: AbortSignal;
  /** Called with each piece written to stderr, as it is written. */
  onStderr?: (text: string) => void;
}

async function cli(argv: string[], options: CliOptions = {}) {
  fake ??= await startFakeOllama();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const stdin =
    options.stdin instanceof Readable ? options.stdin : Readable.from([Buffer.from(options.stdin ?? '')]);
  const code = await runCli(argv, {
    env: { OLLAMA_HOST: fake.url, ...options.env },
    stdin: Object.assign(stdin, { isTTY: options.isTTY ?? false }),
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: {
      write: (text: string) => {
        stderr.push(text);
        options.onStderr?.(text);
      },
      isTTY: options.isTTY ?? false,
    },
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), fake };
}

const memoPath = fixturePath('google-memo/transcript.txt');

describe('recap summarize', () => {
  it('prints five "- " bullets for the google-memo transcript', async () => {
    const { code, stdout, fake } = await cli(['summarize', memoPath, '--title', googleMemo.title()]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^- \S/);
    expect(fake.chats[0]?.messages.at(-1)?.content).toContain('Title: Leaked Internal Google AI Memo');
  });

  it('prints title, bullets, model and stats with --json', async () => {
    const { code, stdout } = await cli([
      'summarize',
      memoPath,
      '--json',
      '--title',
      'Memo',
      '--model',
      'llama3.2',
    ]);
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(output)).toEqual(['title', 'bullets', 'model', 'stats']);
    expect(output).toMatchObject({ title: 'Memo', model: 'llama3.2' });
    expect(output.bullets).toHaveLength(5);
    expect(Object.keys(output.stats as object).sort()).toEqual([
      'chunks',
      'modelCalls',
      'ms',
      'numCtx',
      'promptTokens',
    ]);
  });

  it('reads standard input for "-" and passes --lang to the prompt', async () => {
    const { code, fake } = await cli(['summarize', '-', '--lang', 'French'], {
      stdin: 'We agreed to ship on Monday.',
    });
    expect(code).toBe(0);
    expect(fake.chats[0]?.messages.at(-1)?.content).toContain('We agreed to ship on Monday.');
    expect(fake.chats[0]?.messages.at(-1)?.content).toContain('Write in French.');
  });

  it('reports progress on stderr, one line per stage when not on a terminal', async () => {
    const { stderr } = await cli(['summarize', memoPath]);
    expect(stderr).toContain('Reading…\n');
    expect(stderr).toContain('Writing the summary…\n');
  });

  it('rewrites one progress line in place on a terminal, and clears it', async () => {
    const { stderr } = await cli(['summarize', memoPath], { isTTY: true });
    expect(stderr).toContain('\r\x1b[2KReading…');
    expect(stderr.endsWith('\r\x1b[2K')).toBe(true);
  });

  it.each([
    [['summarize', '/no/such/file.txt'], "Can't read /no/such/file.txt: there is no such file."],
    [['summarize', `${memoPath}/notes.txt`], 'a part of the path is a file, not a folder.'],
    [['summarize', '-'], 'nothing to summarize'],
  ])('fails with one line and a non-zero code: %j', async (argv, expected) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^recap: .*${expected}`));
  });

  it('names the model to pull when --model is missing on the server', async () => {
    const { code, stderr } = await cli(['summarize', memoPath, '--model', 'mistral']);
    expect(code).toBe(1);
    expect(stderr).toContain('`ollama pull mistral`');
  });
});

describe('help, version and usage errors', () => {
  it.each([
    [['--help'], 'Usage: recap <command> [options]'],
    [['-h'], 'Commands:'],
    [['help', 'extract'], 'Usage: recap extract <file | url | -> [--title T] [--lang L] [--json]'],
    [['summarize', '--help'], 'Usage: recap summarize <file | url | ->'],
    [['start', '-h'], 'Usage: recap start'],
  ])('answers %j on stdout with exit code 0', async (argv, expected) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
    expect(stderr).toBe('');
  });

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFixture('../../package.json')) as { version: string };
    expect((await cli(['--version'])).stdout).toBe(`recap ${version}\n`);
    expect((await cli(['-v'])).stdout).toBe(`recap ${version}\n`);
  });

  it.each([
    [
      ['summarise', memoPath],
      'unknown command "summarise". The commands are summarize, extract, start and register-discord.',
    ],
    [
      ['summarize', memoPath, '--colour'],
      'summarize has no option --colour; it takes --title, --model, --host, --lang and --json.',
    ],
    [['summarize', memoPath, '--title'], '--title needs a value, as in --title "…".'],
    [['summarize', '--title', '--json', memoPath], '--title needs a value, as in --title "…".'],
    [['summarize', memoPath, '--json=yes'], '--json takes no value.'],
    [['summarize'], 'summarize needs a file, a link, or - for standard input.'],
    [['summarize', memoPath, 'notes.txt'], 'summarize reads one source at a time; also given: notes.txt.'],
    [
      ['extract', memoPath, '--model', 'x'],
      'extract has no option --model; it takes --title, --lang and --json.',
    ],
    [['start', 'now'], 'start takes no arguments, but was given now.'],
    [['help', 'summarise'], 'there is no command "summarise" to explain.'],
    [[], 'no command given.'],
  ])('refuses %j in its own words, with the usage and exit code 2', async (argv, message) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, second] = stderr.split('\n');
    expect(first).toBe(`recap: ${message}`);
    expect(second).toMatch(/^Usage: recap /);
    expect(stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional argument/);
  });

  it('leaves the chat commands to the recap program, which alone can run them', async () => {
    const { code, stderr } = await cli(['start']);
    expect(code).toBe(2);
    expect(stderr).toBe('recap: start runs the chat platforms; run it as `recap start`.\n');
  });

  it('takes --title=T, and reads an argument after -- as a file name', async () => {
    const { code, fake } = await cli(['summarize', '--title=Weekly sync', '--', memoPath]);
    expect(code).toBe(0);
    expect(fake.chats[0]?.messages.at(-1)?.content).toContain('Title: Weekly sync');
  });
});

describe('standard input', () => {
  it('recognizes piped WebVTT as a file of that format, and takes no title from "stdin"', async () => {
    const vtt = readFixture('files/teams-meeting.vtt');
    const { code, stdout } = await cli(['extract', '-'], { stdin: vtt });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[0:0\d\] \S/m);
    expect(stdout).not.toContain('WEBVTT');
    expect(stdout).not.toMatch(/^# /);
  });

  it('decodes windows-1252 text as it does a file', async () => {
    const bytes = Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35]);
    const { code, stdout } = await cli(['extract', '-'], { stdin: bytes });
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('\u201cHi\u201d \u2013 \u20ac5');
  });

  it('stops reading at RECAP_MAX_FILE_BYTES, as for a file', async () => {
    const { code, stderr } = await cli(['summarize', '-'], {
      stdin: 'x'.repeat(5000),
      env: { RECAP_MAX_FILE_BYTES: '1000' },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^recap: stdin is larger than .*RECAP_MAX_FILE_BYTES/m);
  });

  it('says on a terminal that it waits for input, and stops at once with 130 when interrupted', async () => {
    const never = new PassThrough();
    const controller = new AbortController();
    const { code, stdout, stderr } = await cli(['summarize', '-'], {
      stdin: never,
      isTTY: true,
      signal: controller.signal,
      onStderr: (text) => {
        if (text.includes('reading standard input (Ctrl-D to end)')) controller.abort(new Error('Ctrl-C'));
      },
    });
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toContain('reading standard input (Ctrl-D to end)\n');
    expect(never.destroyed).toBe(true);
  });

  it('says nothing about Ctrl-D when the input is piped', async () => {
    const { code, stderr } = await cli(['summarize', '-'], { stdin: 'We agreed to ship on Monday.' });
    expect(code).toBe(0);
    expect(stderr).not.toContain('Ctrl-D');
  });
});

describe('files and settings', () => {
  it('says a folder is a folder', async () => {
    const { code, stderr } = await cli(['summarize', fixturePath('files')]);
    expect(code).toBe(1);
    expect(stderr.split('\n').at(-2)).toBe(
      `recap: ${fixturePath('files')} is a folder. Name a file in it instead.`,
    );
  });

  it("lets extract run whatever the bots' and the model's settings say", async () => {
    const { code, stdout } = await cli(['extract', memoPath], {
      env: { DISCORD_INTERACTION_TTL_MS: 'soon', RECAP_NUM_CTX: 'big', SLACK_BOT_TOKEN: 'xoxb-1' },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Google');
  });

  it('names a bad setting with its range and value, on one line', async () => {
    const { code, stderr } = await cli(['summarize', memoPath], { env: { RECAP_NUM_CTX: 'abc' } });
    expect(code).toBe(1);
    expect(stderr).toBe('recap: RECAP_NUM_CTX must be a whole number from 1024 up, not "abc".\n');
  });
});

describe('the built recap program', () => {
  async function run(args: string[], env: Record<string, string>, stdin = '', options = {}) {
    const recap = spawnRecap(args, env, stdin, options);
    const code = await recap.exit(LIMITS.startMs);
    return { code, stdout: recap.stdout(), stderr: recap.stderr() };
  }

  it(
    'summarizes from the command line and exits 0',
    async () => {
      fake = await startFakeOllama();
      const result = await run(['summarize', memoPath], { OLLAMA_HOST: fake.url });
      expect(result.code).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toHaveLength(5);
    },
    budget('startMs'),
  );

  it(
    'prints one line and no stack trace when Ollama is down, and exits non-zero',
    async () => {
      const stopped = await startFakeOllama();
      await stopped.close();
      const result = await run(['summarize', '-'], { OLLAMA_HOST: stopped.url }, 'Some text.');
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n').at(-2)).toBe(
        `recap: Can't reach Ollama at ${stopped.url}. Is \`ollama serve\` running there, and does OLLAMA_HOST point to it?`,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    budget('startMs'),
  );

  it.each([
    ['1', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['', false],
  ])(
    'prints the cause chain of a failure when RECAP_DEBUG=%j: %s',
    async (value, shown) => {
      const stopped = await startFakeOllama();
      await stopped.close();
      const result = await run(['summarize', '-'], { OLLAMA_HOST: stopped.url, RECAP_DEBUG: value }, 'Text.');
      expect(result.code).toBe(1);
      expect(result.stderr.includes('caused by')).toBe(shown);
    },
    budget('startMs'),
  );

  /** A web server that is not Ollama: an HTML page, or 404 for everything. */
  async function notOllama(kind: 'html' | '404') {
    const server = createServer((_request, response) => {
      if (kind === 'html')
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>');
      else response.writeHead(404).end('404 page not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it.each([
    [
      'an HTML page',
      'html',
      'http',
      /^recap: The server at http:\/\/127\.0\.0\.1:\d+ is not Ollama: .*OLLAMA_HOST/,
    ],
    [
      '404 for everything',
      '404',
      'http',
      /^recap: The server at http:\/\/127\.0\.0\.1:\d+ is not Ollama: .*404/,
    ],
    ['https to an http server', 'html', 'https', /^recap: https:\/\/127\.0\.0\.1:\d+ does not speak HTTPS/],
  ] as const)(
    'names an OLLAMA_HOST that answers with %s as not Ollama, on one line, with nothing on stdout',
    async (_what, kind, scheme, message) => {
      const server = await notOllama(kind);
      try {
        const host = `${scheme}://127.0.0.1:${server.port}`;
        const result = await run(['summarize', '-'], { OLLAMA_HOST: host }, 'We agreed to ship on Monday.');
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines.at(-1)).toMatch(message);
        expect(lines.at(-1)).not.toMatch(/try again/i);
        expect(lines.filter((line) => line.startsWith('recap: '))).toHaveLength(1);
      } finally {
        await server.close();
      }
    },
    budget('startMs'),
  );

  it(
    'lists the models the server has when the one asked for is missing',
    async () => {
      fake = await startFakeOllama({ models: [{ name: 'llama3.2' }, { name: 'phi3' }] });
      const result = await run(['summarize', memoPath, '--model', 'mistral'], { OLLAMA_HOST: fake.url });
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `recap: The model mistral is not on the Ollama server at ${fake.url}, which has llama3.2:latest, phi3:latest. Run \`ollama pull mistral\` there, or set OLLAMA_MODEL to one of those.`,
      );
    },
    budget('startMs'),
  );

  it(
    'says when the .env file cannot be read, and still answers --help',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'recap-env-'));
      mkdirSync(join(folder, '.env'));
      try {
        expect((await run(['--help'], {}, '', { cwd: folder })).code).toBe(0);
        const result = await run(['extract', memoPath], {}, '', { cwd: folder });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`^recap: Can't read .env in ${folder}: EISDIR.*\\.\\n$`));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    budget('startMs', 'startMs'),
  );

  it(
    'lists every bad setting at once',
    async () => {
      const result = await run(['summarize', '-'], { RECAP_NUM_CTX: 'big', RECAP_QUEUE_MAX: '-1' }, 'x');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'recap: 2 settings need fixing: RECAP_NUM_CTX must be a whole number from 1024 up, not "big"; ' +
          'RECAP_QUEUE_MAX must be a whole number from 0 up, not "-1".\n',
      );
    },
    budget('startMs'),
  );

  it(
    'says it may not read a file it has no permission for',
    async (context) => {
      const folder = mkdtempSync(join(tmpdir(), 'recap-cli-'));
      const file = join(folder, 'private.txt');
      writeFileSync(file, 'The budget was approved.');
      chmodSync(file, 0o000);
      try {
        // root reads any file: run the program as an ordinary user instead, when that user can run it.
        const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
        if ((await run(['--version'], {}, '', asUser)).code !== 0) {
          context.skip('no unprivileged user can run the built program here');
        }
        chmodSync(folder, 0o755);
        const result = await run(['summarize', file], {}, '', asUser);
        expect(result.code).toBe(1);
        expect(result.stderr.split('\n').at(-2)).toBe(
          `recap: Can't read ${file}: permission denied (its permissions do not let you read it).`,
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    budget('startMs', 'startMs'),
  );

  it(
    'stops at once with exit code 130 on Ctrl-C while the model is writing',
    async () => {
      fake = await startFakeOllama({ answerDelayMs: 10 * LIMITS.exitMs });
      const recap = spawnRecap(['summarize', memoPath], { OLLAMA_HOST: fake.url });
      try {
        await recap.waitForOutput('Writing the summary…');
        recap.child.kill('SIGINT');
        expect(await recap.exit()).toBe(130);
        expect(recap.stderr().split('\n').at(-2)).toBe('recap: The summary was cancelled.');
      } finally {
        recap.child.kill('SIGKILL');
      }
    },
    budget('startMs', 'exitMs'),
  );

  it(
    'stops at once with exit code 130 on Ctrl-C while a person is typing',
    async (context) => {
      // A real terminal, from util-linux's script(1): Ctrl-C there sends SIGINT to the program.
      if (spawnSync('script', ['--version']).status !== 0)
        context.skip('script(1) from util-linux is not installed');
      const terminal = watch(
        spawn('script', ['-qfec', `'${process.execPath}' '${MAIN}' summarize -`, '/dev/null'], {
          cwd: tmpdir(),
          env: { PATH: process.env.PATH ?? '', TERM: 'dumb' },
        }),
        null,
      );
      try {
        await terminal.waitForOutput('reading standard input (Ctrl-D to end)', { stream: 'stdout' });
        terminal.child.stdin?.write('\x03');
        expect(await terminal.exit()).toBe(130);
        expect(terminal.stdout()).toContain('recap: The summary was cancelled.');
      } finally {
        terminal.child.kill('SIGKILL');
      }
    },
    budget('startMs', 'exitMs'),
  );
});
