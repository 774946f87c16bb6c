import { describe, expect, it } from 'vitest';
import { ParseSlots } from '../../../src/core/sources/parse-slots.js';

/** A task that runs until the test ends it, recording how many ran at once. */
function gate(running: { now: number; most: number }) {
  let end = () => {};
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  const task = async () => {
    running.now++;
    running.most = Math.max(running.most, running.now);
    await done;
    running.now--;
    return 'parsed';
  };
  return { task, end };
}

describe('ParseSlots', () => {
  it('runs at most its size at once, the rest in the order they came', async () => {
    const slots = new ParseSlots(2);
    const running = { now: 0, most: 0 };
    const gates = Array.from({ length: 5 }, () => gate(running));
    const started: number[] = [];
    const results = gates.map((g, index) =>
      slots.run(new AbortController().signal, () => {
        started.push(index);
        return g.task();
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    for (const g of gates) {
      g.end();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect(Promise.all(results)).resolves.toEqual(Array(5).fill('parsed'));
    expect(running.most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a waiting parse be cancelled without taking a slot', async () => {
    const slots = new ParseSlots(1);
    const first = gate({ now: 0, most: 0 });
    const running = slots.run(new AbortController().signal, first.task);
    const controller = new AbortController();
    let ranCancelled = false;
    const waiting = slots.run(controller.signal, async () => {
      ranCancelled = true;
    });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    const third = slots.run(new AbortController().signal, async () => 'third');
    first.end();
    await expect(running).resolves.toBe('parsed');
    await expect(third).resolves.toBe('third');
    expect(ranCancelled).toBe(false);
  });

  it('frees the slot when a parse fails', async () => {
    const slots = new ParseSlots(1);
    await expect(
      slots.run(new AbortController().signal, async () => {
        throw new Error('damaged');
      }),
    ).rejects.toThrow('damaged');
    await expect(slots.run(new AbortController().signal, async () => 'next')).resolves.toBe('next');
  });
});
