/**
 * The summarizer against the fake Ollama with a fixed delay per token: for transcripts of 5 minutes,
 * 1 hour and 3 hours, how many model calls, how many prompt tokens were sent per document token (the
 * cost of map-reduce: instructions per part, notes merged), and how much time the pipeline itself
 * spends outside the model.
 */
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { renderForModel } from '../src/core/summarize/chunking.js';
import { createOllamaModel, type LanguageModel } from '../src/core/summarize/ollama-model.js';
import { createSummarizer } from '../src/core/summarize/summarizer.js';
import type { Document } from '../src/core/types.js';
import { startFakeOllama } from '../test/fakes/ollama.js';
import { qmsumMeeting } from '../test/helpers/fixtures.js';

const WORDS_PER_MINUTE = 150;
const PROMPT_TOKEN_DELAY_MS = 0.02;
const ANSWER_PIECE_DELAY_MS = 2;
const NUM_CTX = 8192;

/** Speaker turns from the QMSum meetings, repeated as needed, cut at the length of `minutes` of talk. */
function transcriptOf(minutes: number): Document {
  const turns = (['Bmr006', 'covid_4', 'education_4', 'Bed003'] as const).flatMap((name) =>
    qmsumMeeting(name),
  );
  const targetWords = minutes * WORDS_PER_MINUTE;
  const segments: NonNullable<Document['segments']> = [];
  let words = 0;
  for (let index = 0; words < targetWords; index++) {
    const turn = turns[index % turns.length];
    if (!turn) break;
    segments.push({
      text: turn.content,
      speaker: turn.speaker,
      startMs: Math.round((words / WORDS_PER_MINUTE) * 60_000),
    });
    words += turn.content.split(/\s+/).length;
  }
  return { title: `A ${minutes}-minute meeting`, text: '', segments, source: { kind: 'text' } };
}

/** Wraps a model to add up the time spent waiting for it. */
function timed(model: LanguageModel): { model: LanguageModel; waitedMs: () => number } {
  let waited = 0;
  return {
    waitedMs: () => waited,
    model: {
      ...model,
      async chat(request) {
        const started = performance.now();
        try {
          return await model.chat(request);
        } finally {
          waited += performance.now() - started;
        }
      },
    },
  };
}

export async function benchSummarize(): Promise<void> {
  const fake = await startFakeOllama({
    promptTokenDelayMs: PROMPT_TOKEN_DELAY_MS,
    tokenDelayMs: ANSWER_PIECE_DELAY_MS,
  });
  try {
    console.log(
      `\nSummarize (fake Ollama, num_ctx ${NUM_CTX}, ${PROMPT_TOKEN_DELAY_MS} ms per prompt token, ${ANSWER_PIECE_DELAY_MS} ms per answer piece)`,
    );
    console.log(
      'transcript  words   doc tokens  parts  calls  prompt tokens  sent/doc  total ms  outside model ms  outside %',
    );
    for (const [label, minutes] of [
      ['5 min', 5],
      ['1 hour', 60],
      ['3 hours', 180],
    ] as const) {
      const document = transcriptOf(minutes);
      const documentTokens = encode(renderForModel(document)).length;
      const { model, waitedMs } = timed(
        createOllamaModel({ host: fake.url, model: 'llama3.2', idleTimeoutMs: 60_000 }),
      );
      const summarizer = createSummarizer({ model, maxContext: NUM_CTX });
      const summarize = () => summarizer.summarize(document, { signal: new AbortController().signal });
      // A warm-up run of the same size first: a bot runs for days, so its steady state is what counts.
      await summarize();
      const before = waitedMs();
      const started = performance.now();
      const { stats } = await summarize();
      const total = performance.now() - started;
      const outside = total - (waitedMs() - before);
      const words = document.segments?.reduce((sum, s) => sum + s.text.split(/\s+/).length, 0) ?? 0;
      console.log(
        [
          label.padEnd(10),
          String(words).padStart(6),
          String(documentTokens).padStart(11),
          String(stats.chunks).padStart(6),
          String(stats.modelCalls).padStart(6),
          String(stats.promptTokens).padStart(14),
          (stats.promptTokens / documentTokens).toFixed(3).padStart(9),
          total.toFixed(0).padStart(9),
          outside.toFixed(1).padStart(17),
          `${((outside / total) * 100).toFixed(2)}%`.padStart(10),
        ].join(' '),
      );
    }
    console.log(
      'aims: sent/doc at most 1.15; outside the model under 1% of the total (each figure from a second, warm run)',
    );
  } finally {
    await fake.close();
  }
}
