/**
 * What recap relies on from an Ollama server, checked against the fake (always) and a real Ollama with
 * a real model (when RECAP_TEST_OLLAMA_URL is set, as `npm run test:ollama` does), so the fake cannot
 * drift from the real thing. Each expectation here was first observed on Ollama 0.17.4 with Gemma 3
 * 270M; the fake cites the release's code for each.
 */
import { Agent, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singlePassMessages, summaryFormat } from '../../src/core/summarize/prompt.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import { googleMemo } from '../helpers/fixtures.js';

interface Server {
  name: string;
  start(): Promise<{ url: string; model: string; close(): Promise<void> }>;
  /** A real model is slow on two cores: minutes, not seconds. */
  timeoutMs: number;
}

const MODEL = process.env.RECAP_TEST_OLLAMA_MODEL ?? 'recap-gemma3-270m';
const servers: Server[] = [
  {
    name: 'the fake Ollama',
    timeoutMs: 30_000,
    async start() {
      const fake: FakeOllama = await startFakeOllama({
        models: [{ name: MODEL, architecture: 'gemma3', contextLength: 32768 }],
        tokenDelayMs: 5,
      });
      return { url: fake.url, model: MODEL, close: fake.close };
    },
  },
];
const realUrl = process.env.RECAP_TEST_OLLAMA_URL;
if (realUrl) {
  servers.push({
    name: `a real Ollama (${realUrl})`,
    timeoutMs: 300_000,
    start: async () => ({ url: realUrl, model: MODEL, close: async () => undefined }),
  });
}

interface Answer {
  status: number;
  type: string;
  body: unknown;
}

describe.each(servers)('$name', ({ start, timeoutMs }) => {
  let url = '';
  let model = '';
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ url, model, close } = await start());
  });
  afterAll(() => close());

  const call = async (path: string, body?: object): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method: body ? 'POST' : 'GET',
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, body: type.includes('json') ? JSON.parse(text) : text };
  };
  const chat = (body: object) => call('/api/chat', { model, stream: false, ...body });
  /** A streamed chat: the response's content type and its NDJSON lines. */
  const streamed = async (body: object) => {
    const response = await fetch(`${url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model, ...body }),
    });
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { status: response.status, type: response.headers.get('content-type') ?? '', lines };
  };
  const countOf = (answer: Answer) => (answer.body as { prompt_eval_count?: number }).prompt_eval_count;
  const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i % 50}`).join(' ');

  describe('what recap reads about the server and the model', () => {
    it('answers /api/version with its version', async () => {
      expect(await call('/api/version')).toMatchObject({
        status: 200,
        body: { version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      });
    });

    it('lists the model in /api/tags as <name>:latest', async () => {
      const { body } = await call('/api/tags');
      expect((body as { models: { name: string }[] }).models.map((m) => m.name)).toContain(`${model}:latest`);
    });

    it("gives the architecture and its trained context length in /api/show's model_info", async () => {
      const { status, body } = await call('/api/show', { model });
      const show = body as { model_info: Record<string, unknown>; capabilities: string[] };
      const architecture = show.model_info['general.architecture'];
      expect(status).toBe(200);
      expect(architecture).toEqual(expect.any(String));
      expect(show.model_info[`${String(architecture)}.context_length`]).toBeGreaterThan(0);
      expect(show.capabilities).toContain('completion');
    });

    it('says 404 {"error": "model \'x\' not found"} for a model it does not have', async () => {
      const missing = { status: 404, type: expect.stringContaining('application/json') };
      expect(await chat({ model: 'nope', messages: [] })).toMatchObject({
        ...missing,
        body: { error: "model 'nope' not found" },
      });
      expect(await call('/api/show', { model: 'nope:7b' })).toMatchObject({
        ...missing,
        body: { error: "model 'nope:7b' not found" },
      });
    });

    it('answers a path outside its API with a plain-text 404', async () => {
      expect(await call('/v2/nothing')).toEqual({
        status: 404,
        type: expect.stringContaining('text/plain'),
        body: '404 page not found',
      });
    });
  });

  describe('a prompt longer than num_ctx', () => {
    const long = [
      { role: 'system', content: 'You summarize.' },
      { role: 'user', content: `BEGIN ${words(900)} END` },
    ];

    it('is cut silently unless truncate is false: prompt_eval_count is then num_ctx exactly', {
      timeout: timeoutMs,
    }, async () => {
      const answer = await chat({ messages: long, options: { num_ctx: 512, num_predict: 1 } });
      expect(answer.status).toBe(200);
      expect(countOf(answer)).toBe(512);
    });

    it('is refused with truncate: false, streamed or not: 400 "the input length exceeds the context length"', {
      timeout: timeoutMs,
    }, async () => {
      const refused = { status: 400, body: { error: 'the input length exceeds the context length' } };
      const options = { num_ctx: 512, num_predict: 1 };
      expect(await chat({ messages: long, truncate: false, options })).toMatchObject(refused);
      expect(await chat({ messages: long, truncate: false, stream: true, options })).toMatchObject(refused);
    });

    it('loses whole older messages first, keeping the system message and the last one', {
      timeout: timeoutMs,
    }, async () => {
      const conversation = [
        ...long,
        { role: 'assistant', content: 'Bad.' },
        { role: 'user', content: 'Again.' },
      ];
      const cut = await chat({ messages: conversation, options: { num_ctx: 512, num_predict: 1 } });
      const without = await chat({
        messages: [long[0], ...conversation.slice(2)],
        options: { num_ctx: 512, num_predict: 1 },
      });
      expect(countOf(cut)).toBeLessThan(100);
      expect(countOf(cut)).toBe(countOf(without));
    });
  });

  it('counts a repeated prompt in full: the prompt cache does not reduce prompt_eval_count', {
    timeout: timeoutMs,
  }, async () => {
    const messages = [{ role: 'user', content: `${words(400)} and then the question.` }];
    const options = { num_ctx: 2048, num_predict: 1 };
    const first = countOf(await chat({ messages, options }));
    const second = countOf(await chat({ messages, options }));
    expect(first).toBeGreaterThan(400);
    expect(second).toBe(first);
  });

  it.each([
    ['a short text', 'The council approved the budget on Monday. The mayor resigned. A park opens in May.'],
    ['a part of a transcript', googleMemo.transcript().slice(0, 4000)],
  ])(
    'answers the bounded five-bullet format for %s with valid JSON of five non-empty strings',
    { timeout: timeoutMs },
    async (_name, text) => {
      const answer = await chat({
        messages: singlePassMessages(text, 'A test', undefined),
        format: summaryFormat,
        truncate: false,
        options: { num_ctx: 2048, num_predict: 512, temperature: 0.2 },
      });
      const body = answer.body as { message: { content: string }; done_reason: string };
      expect(body.done_reason).toBe('stop');
      const bullets = (JSON.parse(body.message.content) as { bullets: string[] }).bullets;
      expect(bullets).toHaveLength(5);
      for (const bullet of bullets) expect(bullet.length).toBeGreaterThan(0);
    },
  );

  it('streams NDJSON: pieces of the answer, then one done:true with the counts', {
    timeout: timeoutMs,
  }, async () => {
    const { type, lines } = await streamed({
      messages: [{ role: 'user', content: 'Say hello.' }],
      options: { num_ctx: 2048, num_predict: 12 },
    });
    expect(type).toContain('application/x-ndjson');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1))
      expect(line).toMatchObject({ done: false, message: { content: expect.any(String) } });
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: expect.any(String),
      prompt_eval_count: expect.any(Number),
      eval_count: expect.any(Number),
    });
  });

  it('stops an answer whose client left, and keeps no connection open', { timeout: timeoutMs }, async () => {
    const agent = new Agent({ keepAlive: true });
    const options = { num_ctx: 2048, num_predict: 3000 };
    // The format makes any model write at least 2000 characters: only an abort ends it early.
    const long = {
      model,
      messages: [{ role: 'user', content: 'Write.' }],
      format: { type: 'string', minLength: 2000 },
      options,
    };
    await abortAfterFirstPieces(`${url}/api/chat`, long, agent);
    expect(Object.keys(agent.sockets)).toEqual([]);
    const next = await call('/api/chat', {
      model,
      messages: [{ role: 'user', content: 'Hi.' }],
      options: { ...options, num_predict: 8 },
      stream: false,
    });
    const timing = next.body as { total_duration: number; eval_count: number; eval_duration: number };
    // Had the aborted answer gone on, this one would have waited for its ~500 remaining tokens.
    const nsPerToken = timing.eval_duration / Math.max(1, timing.eval_count);
    expect(timing.total_duration).toBeLessThan(nsPerToken * 250);
    agent.destroy();
  });

  it('ends an answer that repeats one token more than 30 times with neither done nor an error', {
    timeout: timeoutMs,
  }, async () => {
    const { status, lines } = await streamed({
      messages: [{ role: 'user', content: 'Say nothing.' }],
      // Every token of blank space trims to the same "", whichever tokens the model picks.
      format: { const: ' '.repeat(1500) },
      options: { num_ctx: 2048, num_predict: 1000 },
    });
    expect(status).toBe(200);
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.some((line) => line.done === true || 'error' in line)).toBe(false);
  });

  it('honours num_ctx, and loads the model again when it changes', { timeout: timeoutMs }, async () => {
    const context = async (numCtx: number) => {
      await chat({
        messages: [{ role: 'user', content: 'Hi.' }],
        options: { num_ctx: numCtx, num_predict: 1 },
      });
      const { body } = await call('/api/ps');
      return (body as { models: { context_length: number }[] }).models[0]?.context_length;
    };
    expect(await context(1024)).toBe(1024);
    expect(await context(1536)).toBe(1536);
  });
});

it('a server that is down refuses the connection (ECONNREFUSED), which recap names as unreachable', async () => {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await expect(fetch(`http://127.0.0.1:${port}/api/version`)).rejects.toMatchObject({
    cause: { code: 'ECONNREFUSED' },
  });
});

/** Streams a chat over a keep-alive agent, aborts once the first pieces arrived, and waits for the socket to close. */
function abortAfterFirstPieces(url: string, body: object, agent: Agent): Promise<void> {
  const controller = new AbortController();
  return new Promise<void>((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', agent, signal: controller.signal }, (response) => {
      let pieces = 0;
      response.on('data', () => {
        pieces += 1;
        if (pieces === 3) controller.abort();
      });
      response.on('error', () => undefined);
    });
    request.on('socket', (socket) => socket.once('close', () => setImmediate(resolve)));
    request.on('error', (error) => {
      if (!controller.signal.aborted) reject(error);
    });
    request.end(JSON.stringify({ ...body, stream: true }));
  });
}
