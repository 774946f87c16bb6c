import { benchAcks } from './acks/run.js';
import { benchFlood } from './flood.js';
import { benchMemory } from './memory.js';
import { benchScale } from './scale.js';
import { benchSecurity } from './security.js';
import { benchSources } from './sources.js';
import { benchStartup } from './startup.js';
import { benchSummarize } from './summarize.js';
import { benchSummarizeOllama } from './summarize-ollama.js';

/** `npm run bench` runs every benchmark; `npm run bench -- acks startup` only those named. */
const chosen = new Set(process.argv.slice(2));
const wanted = (name: string) => chosen.size === 0 || chosen.has(name);

if (wanted('summarize')) await benchSummarize();
if (wanted('sources')) benchSources();
if (wanted('memory')) await benchMemory();
if (wanted('security')) await benchSecurity();
if (wanted('startup')) benchStartup();
if (wanted('acks')) await benchAcks();
if (wanted('flood')) await benchFlood();
if (wanted('scale')) await benchScale();
// With a real Ollama (npm run bench:ollama starts one): the model's speed and share of the time.
const ollamaUrl = process.env.RECAP_TEST_OLLAMA_URL;
if (wanted('ollama') && ollamaUrl)
  await benchSummarizeOllama(ollamaUrl, process.env.RECAP_TEST_OLLAMA_MODEL ?? 'recap-gemma3-270m');
