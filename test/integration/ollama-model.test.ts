import type { ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOllamaModel } from '../../src/core/summarize/ollama-model.js';
import { summaryFormat } from '../../src/core/summarize/prompt.js';
import { type LocalServer, listenLocal, sendJson } from '../fakes/http.js';
import { startFakeOllama } from '../fakes/ollama.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(handler: Parameters<typeof listenLocal>[0]): Promise<LocalServer> {
  const server = await listenLocal(handler);
  closers.push(server.close);
  return server;
}

function chatAt(host: string, model = 'llama3.2') {
  return createOllamaModel({ host, model, idleTimeoutMs: 5_000 }).chat({
    messages: [
      { role: 'system', content: 'Summarize.' },
      { role: 'user', content: 'A short text.' },
    ],
    format: summaryFormat,
    numCtx: 2048,
    numPredict: 256,
    signal: new AbortController().signal,
  });
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an OLLAMA_HOST that is not Ollama is named as such, never "try again in a moment"', () => {
  it('a web server that answers with HTML pages', async () => {
    const web = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
    });
    await expect(chatAt(web.url)).rejects.toMatchObject({
      code: 'model_not_ollama',
      userMessage: expect.stringMatching(/^The server at .* is not Ollama: .*\/api\/version.*OLLAMA_HOST/),
    });
  });

  it('a server that answers 404 to everything', async () => {
    const web = await serve((_request, response) => sendJson(response, 404, { message: 'Not Found' }));
    const failure = await chatAt(web.url).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'model_not_ollama',
      userMessage: expect.stringContaining('HTTP 404'),
    });
    expect((failure as { userMessage: string }).userMessage).not.toMatch(/try again/i);
  });

  it('https:// for a server that speaks plain HTTP', async () => {
    const fake = await startFakeOllama();
    closers.push(fake.close);
    const https = fake.url.replace('http:', 'https:');
    await expect(chatAt(https)).rejects.toMatchObject({
      code: 'model_not_ollama',
      userMessage: expect.stringContaining(`set OLLAMA_HOST to ${fake.url}`),
    });
  });

  it('a port fetch refuses to use ("bad port"), not as a server that is not Ollama', async () => {
    await expect(chatAt('http://127.0.0.1:1')).rejects.toMatchObject({
      code: 'config_invalid',
      userMessage: expect.stringMatching(
        /^OLLAMA_HOST \(http:\/\/127\.0\.0\.1:1\) uses port 1, which fetch refuses .*11434/,
      ),
    });
  });

  it('a port nothing listens on', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    await expect(chatAt(host)).rejects.toMatchObject({
      code: 'model_unreachable',
      userMessage: `Can't reach Ollama at ${host}. Is \`ollama serve\` running there, and does OLLAMA_HOST point to it?`,
    });
  });
});

/** Every way a process prints: the `ollama` library uses console.log and console.warn (src/utils.ts). */
function spyOnOutput() {
  const spies = [
    vi.spyOn(process.stdout, 'write'),
    vi.spyOn(process.stderr, 'write'),
    ...(['log', 'warn', 'error', 'info', 'debug'] as const).map((name) => vi.spyOn(console, name)),
  ];
  return () => spies.flatMap((spy) => spy.mock.calls);
}

const ndjson = (lines: string) => (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  response.end(lines);
};
const DONE = JSON.stringify({ message: { content: '' }, done: true, prompt_eval_count: 10 });

describe("the ollama library's own prints never reach stdout or stderr", () => {
  it.each<[string, (response: ServerResponse) => void, Record<string, unknown>]>([
    [
      'a plain-text error page (ollama-js logs "Getting text from response")',
      (response) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end('Bad Gateway');
      },
      { code: 'model_not_ollama' },
    ],
    [
      'a JSON error body without a JSON content type',
      (response) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(JSON.stringify({ error: 'llama runner process has terminated' }));
      },
      { code: 'model_failed', userMessage: expect.stringContaining('llama runner process has terminated') },
    ],
    [
      'stream lines that are not JSON (ollama-js warns "invalid json")',
      ndjson('hello\nworld\n'),
      { code: 'model_not_ollama' },
    ],
    ['a stream line that is JSON but not an object', ndjson(`5\n${DONE}\n`), { code: 'model_not_ollama' }],
    [
      'a piece of the answer without its text',
      ndjson(`{"message":{"role":"assistant"},"done":false}\n${DONE}\n`),
      { code: 'model_not_ollama' },
    ],
    [
      'an error in the middle of the stream',
      ndjson(
        `{"message":{"content":"Hal"},"done":false}\n{"error":"an error was encountered while running the model"}\n`,
      ),
      { code: 'model_failed', userMessage: expect.stringContaining('an error was encountered') },
    ],
  ])('%s', async (_name, answer, failure) => {
    const web = await serve((request, response) => {
      if (request.url === '/api/version') {
        // Ollama answers its version; an impostor does not.
        if ('code' in failure && failure.code !== 'model_not_ollama')
          return sendJson(response, 200, { version: '0.17.4' });
        return sendJson(response, 404, { message: 'Not Found' });
      }
      answer(response);
    });
    const printed = spyOnOutput();
    await expect(chatAt(web.url)).rejects.toMatchObject(failure);
    expect(printed()).toEqual([]);
  });

  it('reads a stream with blank lines and CRLF line ends, which ollama-js would warn about, in silence', async () => {
    const answer = JSON.stringify({ message: { content: '{"bullets":[]}' }, done: false });
    const web = await serve((_request, response) => ndjson(`${answer}\r\n\r\n${DONE}\r\n`)(response));
    const printed = spyOnOutput();
    await expect(chatAt(web.url)).resolves.toMatchObject({ content: '{"bullets":[]}', promptEvalCount: 10 });
    expect(printed()).toEqual([]);
  });
});

it('closes the connection of an answer it stopped reading, though the server would go on', async () => {
  let closed!: Promise<void>;
  const web = await serve((request, response) => {
    if (request.url === '/api/version') return sendJson(response, 200, { version: '0.17.4' });
    closed = new Promise((resolve) => response.once('close', () => resolve()));
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    // A piece of the wrong shape, then nothing more while the connection stays open.
    response.write('{"message":{"content":"Hi"},"done":"not yet"}\n');
  });
  await expect(chatAt(web.url)).rejects.toMatchObject({ code: 'model_failed' });
  await closed;
});

describe('a model the server does not have', () => {
  it('is named with the models the server has', async () => {
    const fake = await startFakeOllama({
      models: [
        { name: 'qwen3', architecture: 'qwen3', contextLength: 40960 },
        { name: 'gemma3', architecture: 'gemma3', contextLength: 131072 },
      ],
    });
    closers.push(fake.close);
    await expect(chatAt(fake.url, 'llama3.2')).rejects.toMatchObject({
      code: 'model_missing',
      userMessage: `The model llama3.2 is not on the Ollama server at ${fake.url}, which has qwen3:latest, gemma3:latest. Run \`ollama pull llama3.2\` there, or set OLLAMA_MODEL to one of those.`,
    });
  });

  it('on a server with no models yet, says to pull it', async () => {
    const fake = await startFakeOllama({ models: [] });
    closers.push(fake.close);
    await expect(chatAt(fake.url, 'llama3.2')).rejects.toMatchObject({
      code: 'model_missing',
      userMessage: expect.stringContaining('which has no models yet. Run `ollama pull llama3.2` there.'),
    });
  });
});
