import { describe, expect, it } from 'vitest';
import type {
  LanguageModel,
  ModelChatAnswer,
  ModelChatRequest,
} from '../../../src/core/summarize/ollama-model.js';
import { slotLimitedModel } from '../../../src/scale/host-slots.js';

/** A model whose calls end when the test says, recording what is in flight. */
function heldModel() {
  const open: { request: ModelChatRequest; finish: () => void }[] = [];
  let maxOpen = 0;
  const model: LanguageModel = {
    name: 'llama3.2',
    host: 'http://127.0.0.1:11434',
    contextLength: async () => 4096,
    refusesOverflow: async () => true,
    chat: (request) =>
      new Promise<ModelChatAnswer>((resolve) => {
        const entry = {
          request,
          finish: () => {
            open.splice(open.indexOf(entry), 1);
            resolve({ content: '{}', promptEvalCount: 1, doneReason: 'stop' } as ModelChatAnswer);
          },
        };
        open.push(entry);
        maxOpen = Math.max(maxOpen, open.length);
      }),
  };
  return { model, open, max: () => maxOpen };
}

const request = (signal = new AbortController().signal) =>
  ({ messages: [], format: {}, numCtx: 2048, numPredict: 64, signal }) as ModelChatRequest;

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a model kept within its host slots', () => {
  it('lets no more calls than slots reach the model, and the next in as one ends', async () => {
    const held = heldModel();
    const limited = slotLimitedModel(held.model, 2);
    const calls = [1, 2, 3].map(() => limited.chat(request()));
    await settle();
    expect(held.open).toHaveLength(2);
    held.open[0]?.finish();
    await settle();
    expect(held.open).toHaveLength(2);
    held.open[0]?.finish();
    held.open[0]?.finish();
    await Promise.all(calls);
    expect(held.max()).toBe(2);
  });

  it('lets a waiting caller whose signal fires go on without a slot, and keeps the slots for the others', async () => {
    const held = heldModel();
    const limited = slotLimitedModel(held.model, 1);
    const first = limited.chat(request());
    const leaving = new AbortController();
    const second = limited.chat(request(leaving.signal));
    const third = limited.chat(request());
    await settle();
    leaving.abort();
    await settle();
    // The one that left reaches the model at once (which fails it, its signal being aborted here).
    expect(held.open.map((entry) => entry.request.signal.aborted)).toEqual([false, true]);
    held.open[1]?.finish();
    await second;
    held.open[0]?.finish();
    await first;
    await settle();
    expect(held.open).toHaveLength(1);
    held.open[0]?.finish();
    await third;
  });
});
