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

  it('a port nothing listens on', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    await expect(chatAt(host)).rejects.toMatchObject({
      code: 'model_unreachable',
      userMessage: `Can't reach Ollama at ${host}. Is \`ollama serve\` running there, and does OLLAMA_HOST point to it?`,
    });
  });

  it('a server that streams lines that are not JSON prints nothing to stdout', async () => {
    const web = await serve((request, response) => {
      if (request.url === '/api/version') return sendJson(response, 404, { error: 'no' });
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end('hello\nworld\n');
    });
    const stdout = vi.spyOn(process.stdout, 'write');
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    await expect(chatAt(web.url)).rejects.toMatchObject({ code: 'model_not_ollama' });
    expect([stdout.mock.calls, log.mock.calls, warn.mock.calls]).toEqual([[], [], []]);
  });
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
