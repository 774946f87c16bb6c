import { benchSources } from './sources.js';
import { benchSummarize } from './summarize.js';
import { benchSummarizeOllama } from './summarize-ollama.js';

await benchSummarize();
benchSources();
// With a real Ollama (npm run bench:ollama starts one): the model's speed and share of the time.
const ollamaUrl = process.env.RECAP_TEST_OLLAMA_URL;
if (ollamaUrl)
  await benchSummarizeOllama(ollamaUrl, process.env.RECAP_TEST_OLLAMA_MODEL ?? 'recap-gemma3-270m');
