/** The child half of ollama-process.ts: a fake Ollama, its address sent to the parent once it listens. */
import { startFakeOllama } from '../fakes/ollama.js';

const ollama = await startFakeOllama();
process.send?.({ url: ollama.url });
process.on('disconnect', () => void ollama.close().then(() => process.exit(0)));
