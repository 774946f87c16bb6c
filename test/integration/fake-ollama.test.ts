/**
 * The fake Ollama's rules that the contract suite (test/contract) cannot check against the one model
 * the real tier serves: names with tags, and the versions it can play.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.js';
import { waitFor } from '../helpers/discord-harness.js';

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeOllamaOptions) {
  fake = await startFakeOllama(options);
  const url = fake.url;
  return async (path: string, body?: object) => {
    const response = await fetch(`${url}${path}`, {
      method: body ? 'POST' : 'GET',
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, text: await response.text() };
  };
}

describe('the fake Ollama', () => {
  it('lists a model with a tag under its name, and one without under name:latest', async () => {
    const call = await start({ models: [{ name: 'qwen2.5:7b' }, { name: 'llama3.2' }] });
    const { text } = await call('/api/tags');
    const names = (JSON.parse(text) as { models: { name: string }[] }).models.map((model) => model.name);
    expect(names).toEqual(['qwen2.5:7b', 'llama3.2:latest']);
  });

  it('finds a model by its full name, a name without a tag meaning :latest', async () => {
    const call = await start({ models: [{ name: 'qwen2.5:7b' }, { name: 'llama3.2' }] });
    const show = async (model: string) => (await call('/api/show', { model })).status;
    expect(await show('qwen2.5:7b')).toBe(200);
    expect(await show('qwen2.5')).toBe(404);
    expect(await show('llama3.2')).toBe(200);
    expect(await show('llama3.2:latest')).toBe(200);
    expect(await show('llama3.2:1b')).toBe(404);
  });

  it('answers the version it plays, or no /api/version at all as a proxy that passes only the chat', async () => {
    expect(await (await start({ version: '0.12.5' }))('/api/version')).toEqual({
      status: 200,
      text: '{"version":"0.12.5"}',
    });
    await fake?.close();
    expect(await (await start({ version: null }))('/api/version')).toEqual({
      status: 404,
      text: '404 page not found',
    });
  });

  it('holds the chats that take a slot while held, recorded but unanswered, until released', async () => {
    await start({ parallel: 2 });
    const host = fake as FakeOllama;
    const release = host.hold();
    const chat = (signal?: AbortSignal) =>
      fetch(`${host.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({
          model: 'llama3.2',
          messages: [{ role: 'user', content: 'hi' }],
          stream: false,
        }),
        ...(signal ? { signal } : {}),
      });
    const leaving = new AbortController();
    const left = chat(leaving.signal).catch(() => 'left');
    let answered = false;
    const staying = chat().then((response) => {
      answered = true;
      return response.status;
    });
    await waitFor(() => host.chats.length === 2, 'both chats recorded');
    leaving.abort();
    expect(await left).toBe('left');
    // The chat whose client left ends as aborted; the other is still held, unanswered.
    await waitFor(() => host.chats.some((recorded) => recorded.aborted), 'the left chat recorded as aborted');
    expect(answered).toBe(false);
    release();
    expect(await staying).toBe(200);
    expect(host.chats.filter((recorded) => recorded.aborted)).toHaveLength(1);
  });
});
