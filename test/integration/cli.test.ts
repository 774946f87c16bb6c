import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { fixturePath, googleMemo } from '../helpers/fixtures.js';
import { spawnRecap } from '../helpers/spawn.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function cli(
  argv: string[],
  options: { env?: Record<string, string>; stdin?: string; isTTY?: boolean } = {},
) {
  fake ??= await startFakeOllama();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, {
    env: { OLLAMA_HOST: fake.url, ...options.env },
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text), isTTY: options.isTTY ?? false },
    signal: new AbortController().signal,
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
    [['summarize', '/no/such/file.txt'], 'no such file'],
    [['summarize', '-'], 'nothing to summarize'],
  ])('fails with one line and a non-zero code: %j', async (argv, expected) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^recap: .*${expected}`));
  });

  it('shows the usage for unknown commands and options, with exit code 2', async () => {
    expect((await cli(['summarise', memoPath])).code).toBe(2);
    const { code, stderr } = await cli(['summarize', memoPath, '--colour']);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage:');
  });

  it('names the model to pull when --model is missing on the server', async () => {
    const { code, stderr } = await cli(['summarize', memoPath, '--model', 'mistral']);
    expect(code).toBe(1);
    expect(stderr).toContain('`ollama pull mistral`');
  });
});

describe('the built recap program', () => {
  async function run(args: string[], env: Record<string, string>, stdin = '') {
    const recap = spawnRecap(args, env, stdin);
    const code = await recap.exited;
    return { code, stdout: recap.stdout(), stderr: recap.stderr() };
  }

  it('summarizes from the command line and exits 0', async () => {
    fake = await startFakeOllama();
    const result = await run(['summarize', memoPath], { OLLAMA_HOST: fake.url });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('prints one line and no stack trace when Ollama is down, and exits non-zero', async () => {
    const stopped = await startFakeOllama();
    await stopped.close();
    const result = await run(['summarize', '-'], { OLLAMA_HOST: stopped.url }, 'Some text.');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').at(-2)).toBe(
      `recap: Can't reach Ollama at ${stopped.url}. Is \`ollama serve\` running there, and does OLLAMA_HOST point to it?`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every bad setting at once', async () => {
    const result = await run(['summarize', '-'], { RECAP_NUM_CTX: 'big', RECAP_QUEUE_MAX: '-1' }, 'x');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RECAP_NUM_CTX');
    expect(result.stderr).toContain('RECAP_QUEUE_MAX');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
