/**
 * The summarizer against a real Ollama (RECAP_TEST_OLLAMA_URL, set by `npm run bench:ollama`): for the
 * seed transcript and one meeting, the model's own speed (prompt and answer tokens per second, by the
 * server's timings), the model's share of a summary's time and the pipeline's own share, and the
 * tokens the server evaluated per token of the document (the cost of instructions, parts and merges).
 */
import { renderForModel } from '../src/core/summarize/chunking.js';
import {
  createOllamaModel,
  type LanguageModel,
  type ModelChatAnswer,
} from '../src/core/summarize/ollama-model.js';
import { createSummarizer } from '../src/core/summarize/summarizer.js';
import type { Document } from '../src/core/types.js';
import { googleMemo, qmsumMeeting } from '../test/helpers/fixtures.js';

interface Totals {
  calls: number;
  waitedMs: number;
  serverMs: number;
  promptTokens: number;
  promptMs: number;
  answerTokens: number;
  answerMs: number;
}

/** The model, adding up the time waited for it and the server's own account of each call. */
function measured(inner: LanguageModel): { model: LanguageModel; totals: Totals } {
  const totals: Totals = {
    calls: 0,
    waitedMs: 0,
    serverMs: 0,
    promptTokens: 0,
    promptMs: 0,
    answerTokens: 0,
    answerMs: 0,
  };
  const add = (answer: ModelChatAnswer) => {
    totals.calls += 1;
    totals.serverMs += answer.timings.totalMs;
    totals.promptTokens += answer.promptEvalCount ?? 0;
    totals.promptMs += answer.timings.promptEvalMs;
    totals.answerTokens += answer.evalCount;
    totals.answerMs += answer.timings.evalMs;
  };
  const model: LanguageModel = {
    ...inner,
    async chat(request) {
      const started = performance.now();
      try {
        const answer = await inner.chat(request);
        add(answer);
        return answer;
      } finally {
        totals.waitedMs += performance.now() - started;
      }
    },
  };
  return { model, totals };
}

/** The server's count of a text's tokens: one user message, less the same message empty. */
async function documentTokens(url: string, model: string, text: string): Promise<number> {
  const count = async (content: string) => {
    const response = await fetch(`${url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content }],
        stream: false,
        truncate: false,
        options: { num_ctx: 16384, num_predict: 1 },
      }),
    });
    return ((await response.json()) as { prompt_eval_count: number }).prompt_eval_count;
  };
  return (await count(text)) - (await count(''));
}

const words = (text: string) => text.split(/\s+/).filter((word) => word !== '').length;
const rate = (tokens: number, ms: number) => (ms > 0 ? (tokens / ms) * 1000 : 0);

export async function benchSummarizeOllama(url: string, modelName: string): Promise<void> {
  const cases: [string, Document, number][] = [
    [
      'seed memo',
      { title: googleMemo.title(), text: googleMemo.transcript(), source: { kind: 'text' } },
      8192,
    ],
    [
      'ES2004a',
      {
        title: 'Remote control design kick-off',
        text: qmsumMeeting('ES2004a')
          .map((turn) => `${turn.speaker}: ${turn.content}`)
          .join('\n'),
        source: { kind: 'text' },
      },
      2048,
    ],
  ];
  console.log(`\nSummarize with a real model (${modelName} at ${url})`);
  console.log(
    'document   num_ctx  words  doc tokens  tok/word  parts  calls  evaluated/doc  prompt tok/s  answer tok/s  total s  model %  pipeline %',
  );
  for (const [label, document, numCtx] of cases) {
    const content = renderForModel(document);
    const docTokens = await documentTokens(url, modelName, content);
    const { model, totals } = measured(
      createOllamaModel({ host: url, model: modelName, idleTimeoutMs: 600_000 }),
    );
    const started = performance.now();
    const { stats } = await createSummarizer({ model, maxContext: numCtx }).summarize(document, {
      signal: new AbortController().signal,
    });
    const totalMs = performance.now() - started;
    console.log(
      [
        label.padEnd(10),
        String(numCtx).padStart(7),
        String(words(content)).padStart(6),
        String(docTokens).padStart(11),
        (docTokens / words(content)).toFixed(2).padStart(9),
        String(stats.chunks).padStart(6),
        String(totals.calls).padStart(6),
        (totals.promptTokens / docTokens).toFixed(3).padStart(14),
        rate(totals.promptTokens, totals.promptMs).toFixed(1).padStart(13),
        rate(totals.answerTokens, totals.answerMs).toFixed(1).padStart(13),
        (totalMs / 1000).toFixed(1).padStart(8),
        `${((totals.serverMs / totalMs) * 100).toFixed(1)}%`.padStart(8),
        `${(((totalMs - totals.waitedMs) / totalMs) * 100).toFixed(2)}%`.padStart(11),
      ].join(' '),
    );
  }
  console.log(
    "model % = the server's total_duration of answered calls over the summary's time (an answer cut for looping has no timings); pipeline % = time not spent waiting for the model",
  );
}
