/**
 * The fake Ollama in a process of its own, for a test that measures the app's event loop: the fake
 * reads every prompt with a real tokenizer, which in the test's process held the loop for up to 65 ms
 * at a time under the flood of test/security/flood.ts, and would have counted as recap's.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface OllamaProcess {
  url: string;
  close(): Promise<void>;
}

export async function startOllamaProcess(): Promise<OllamaProcess> {
  const child = fork(fileURLToPath(new URL('./ollama-process-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: message.url,
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
