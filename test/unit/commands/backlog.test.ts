import { describe, expect, it } from 'vitest';
import { Backlog } from '../../../src/commands/backlog.js';
import { RecapError } from '../../../src/core/errors.js';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A turn of the event loop: what was started with setImmediate has run by then, and no timer has fired. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Tasks that count themselves while they run, and end together when `open()` is called. */
function gatedTasks(backlog: Backlog, count: number) {
  const state = { running: 0, started: 0 };
  let open: (value?: unknown) => void = () => undefined;
  const gate = new Promise((resolve) => {
    open = resolve;
  });
  const done = Array.from({ length: count }, () =>
    backlog.run(async () => {
      state.running += 1;
      state.started += 1;
      await gate;
      state.running -= 1;
    }),
  );
  const finish = () => {
    open();
    return Promise.all(done);
  };
  return { state, finish };
}

describe('Backlog', () => {
  it('starts nothing on the caller’s turn, and runs at most its limit at once', async () => {
    const backlog = new Backlog(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 6 }, (_, index) =>
      backlog.run(async () => {
        started.push(index);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return index;
      }),
    );
    expect(started).toEqual([]);
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('starts nothing while acknowledgements are under way, nor just after the last one, then all it may', async () => {
    // A long hold: only the acknowledgements and the quiet time after them decide here.
    const backlog = new Backlog(4, 60_000, 20);
    let acknowledging = true;
    backlog.yieldTo(() => acknowledging);
    const { state, finish } = gatedTasks(backlog, 6);
    await turn();
    expect(state.started).toBe(0);
    acknowledging = false;
    backlog.wake();
    // The next request of a burst is most likely on its way: the quiet time has not passed yet.
    await turn();
    expect(state.started).toBe(0);
    await until(() => state.running === 4);
    await turn();
    expect(state.started).toBe(4);
    await finish();
    expect(state.started).toBe(6);
  });

  it('starts a task that has waited its longest hold, though acknowledgements never stop', async () => {
    const backlog = new Backlog(2, 20, 60_000);
    backlog.yieldTo(() => true);
    const { state, finish } = gatedTasks(backlog, 3);
    await turn();
    expect(state.started).toBe(0);
    await until(() => state.running === 2);
    await turn();
    // Still at most its limit at once; the third starts when one ends.
    expect(state.started).toBe(2);
    await finish();
    expect(state.started).toBe(3);
  });

  it('passes a task’s failure to its caller and carries on', async () => {
    const backlog = new Backlog(1);
    const failed = backlog.run(async () => Promise.reject(new RecapError('transient', 'down')));
    const next = backlog.run(async () => 'ok');
    await expect(failed).rejects.toThrow('down');
    expect(await next).toBe('ok');
  });

  it('passes a task’s synchronous throw to its caller instead of crashing the process', async () => {
    const backlog = new Backlog(1);
    const failed = backlog.run((): Promise<string> => {
      throw new Error('thrown before any await');
    });
    const next = backlog.run(async () => 'ok');
    await expect(failed).rejects.toThrow('thrown before any await');
    expect(await next).toBe('ok');
  });
});
