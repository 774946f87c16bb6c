/**
 * What a test starts (a harness, a fake server) and the file closes after each test, the last started
 * first, so that no test file keeps its own variables and afterEach for them.
 */
import { afterEach } from 'vitest';

export interface Closable {
  close(): Promise<unknown>;
}

/**
 * Call once a file, as it registers the afterEach (`const closing = closedAfterEach()`), then wrap each
 * starter (`const startWeb = closing(startFakeWeb)`) and start in a test: `const web = await startWeb()`.
 */
export function closedAfterEach() {
  const started: Closable[] = [];
  afterEach(async () => {
    for (const item of started.splice(0).reverse()) await item.close();
  });
  return <A extends unknown[], T extends Closable>(start: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const item = await start(...args);
      started.push(item);
      return item;
    };
}
