import { startFakeOllama } from './test/fakes/ollama.ts';
import { runCli } from './src/cli.ts';
const fake = await startFakeOllama({ models: [{ name: 'llama3.2', architecture: 'llama', contextLength: 2048 }] });
const out: string[] = [], err: string[] = [];
const code = await runCli(['summarize', '--title', 'T', '--json', '/work/shared/datasets/qmsum/Bmr006.json'], { env: { OLLAMA_HOST: fake.url }, stdin: process.stdin, stdout: { write: (t) => out.push(t) }, stderr: { write: (t) => err.push(t) }, signal: new AbortController().signal, debug: (t) => err.push(t) });
console.log(code, out.join(''), err.slice(-5).join(''));
console.log(fake.chats.length, fake.chats.filter(c => c.truncated).length, fake.chats.map(c => `${c.promptTokens}/${c.numCtx}`).join(' '));
await fake.close();
