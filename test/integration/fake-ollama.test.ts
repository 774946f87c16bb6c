import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';

// The fake must behave like Ollama where it matters, or the other tests prove nothing.
let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('the fake Ollama, through the real client', () => {
  it('cuts the front of a prompt longer than num_ctx and reports what it kept', async () => {
    fake = await startFakeOllama();
    const client = new Ollama({ host: fake.url });
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const response = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: `START ${words} END` }],
      options: { num_ctx: 256 },
      stream: false,
    });
    expect(response.prompt_eval_count).toBe(256);
    const [chat] = fake.chats;
    expect(chat?.truncated).toBe(true);
    expect(chat?.seenPrompt).not.toContain('START');
    expect(chat?.seenPrompt).toContain('END');
  });

  it('uses a small default context when num_ctx is not sent, as Ollama does', async () => {
    fake = await startFakeOllama();
    const client = new Ollama({ host: fake.url });
    const long = 'lorem ipsum dolor sit amet '.repeat(800);
    const response = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: long }] });
    expect(response.prompt_eval_count).toBe(2048);
  });

  it('streams NDJSON pieces ending with a done message with counts', async () => {
    fake = await startFakeOllama();
    const client = new Ollama({ host: fake.url });
    const stream = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Say something.' }],
      format: { type: 'object', properties: { bullets: { type: 'array', minItems: 5, maxItems: 5 } } },
      stream: true,
    });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: expect.any(Number),
    });
    const content = parts.map((part) => part.message.content).join('');
    expect(JSON.parse(content).bullets).toHaveLength(5);
  });

  it('answers /api/show, /api/tags and /api/version, and 404 for a missing model', async () => {
    fake = await startFakeOllama({
      models: [{ name: 'qwen3', architecture: 'qwen3', contextLength: 40960 }],
    });
    const client = new Ollama({ host: fake.url });
    const show = await client.show({ model: 'qwen3' });
    expect((show.model_info as unknown as Record<string, unknown>)['qwen3.context_length']).toBe(40960);
    expect((await client.list()).models.map((model) => model.name)).toEqual(['qwen3:latest']);
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    await expect(client.chat({ model: 'llama3.2', messages: [] })).rejects.toMatchObject({
      status_code: 404,
      error: expect.stringContaining('not found, try pulling it first'),
    });
  });
});
