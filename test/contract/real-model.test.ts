/**
 * End to end with a real model: runs in `npm run test:ollama`, which sets RECAP_TEST_OLLAMA_URL to a
 * real Ollama serving Gemma 3 270M (scripts/ollama-tier.sh). A 270M base model writes weak summaries,
 * so these assert what recap guarantees (five non-empty bullets, nothing cut), not their quality.
 */
import { describe, expect, it } from 'vitest';
import { renderForModel } from '../../src/core/summarize/chunking.js';
import {
  createOllamaModel,
  type LanguageModel,
  type ModelChatAnswer,
  type ModelChatRequest,
} from '../../src/core/summarize/ollama-model.js';
import type { ChatMessage } from '../../src/core/summarize/prompt.js';
import { createSummarizer } from '../../src/core/summarize/summarizer.js';
import type { Document } from '../../src/core/types.js';
import { fixturePath, qmsumMeeting } from '../helpers/fixtures.js';
import { spawnRecap } from '../helpers/spawn.js';

const url = process.env.RECAP_TEST_OLLAMA_URL ?? '';
const model = process.env.RECAP_TEST_OLLAMA_MODEL ?? 'recap-gemma3-270m';
const MINUTES = 60_000;

/** The model, keeping each call's request and answer. */
function recorded(inner: LanguageModel) {
  const calls: { request: ModelChatRequest; answer: ModelChatAnswer }[] = [];
  const wrapped: LanguageModel = {
    ...inner,
    async chat(request) {
      const answer = await inner.chat(request);
      calls.push({ request, answer });
      return answer;
    },
  };
  return { calls, model: wrapped };
}

/** The server's own count of a prompt's tokens (truncate false: it refuses rather than cut). */
async function serverCount(messages: readonly ChatMessage[], numCtx: number): Promise<number> {
  const response = await fetch(`${url}/api/chat`, {
    method: 'POST',
    body: JSON.stringify({
      model,
      messages,
      stream: false,
      truncate: false,
      options: { num_ctx: numCtx, num_predict: 1 },
    }),
  });
  const body = (await response.json()) as { prompt_eval_count: number };
  return body.prompt_eval_count;
}

describe.skipIf(url === '')('with a real model (npm run test:ollama sets RECAP_TEST_OLLAMA_URL)', () => {
  it('`recap summarize` prints five non-empty bullets for the google-memo transcript', {
    timeout: 10 * MINUTES,
  }, async () => {
    const run = spawnRecap(['summarize', fixturePath('google-memo/transcript.txt')], {
      OLLAMA_HOST: url,
      OLLAMA_MODEL: model,
      RECAP_MODEL_TIMEOUT_MS: String(5 * MINUTES),
    });
    expect(await run.exited, run.stderr()).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^- \S/);
    // The prompt asked for the content's own language: no bullet is in another script.
    expect(lines.join(' ')).not.toMatch(/[^\p{Script=Latin}\p{N}\p{P}\p{S}\p{Z}]/u);
  });

  it("summarizes a QMSum meeting at RECAP_NUM_CTX=2048, the server's counts showing every part read in full", {
    timeout: 20 * MINUTES,
  }, async () => {
    // The first 120 turns: three parts at 2048 (the whole meeting took seven, and a minute more of the
    // tier's time for the count of the whole below, with nothing more proven).
    const turns = qmsumMeeting('ES2004a').slice(0, 120);
    const document: Document = {
      title: 'Remote control design kick-off',
      text: turns.map((turn) => `${turn.speaker}: ${turn.content}`).join('\n'),
      source: { kind: 'text' },
    };
    const { calls, model: recording } = recorded(
      createOllamaModel({ host: url, model, idleTimeoutMs: 5 * MINUTES }),
    );
    const { summary, stats } = await createSummarizer({ model: recording, maxContext: 2048 }).summarize(
      document,
      {
        signal: new AbortController().signal,
      },
    );
    expect(summary.bullets).toHaveLength(5);
    for (const bullet of summary.bullets) expect(bullet.trim()).not.toBe('');

    // Each part's first answered prompt (a repair repeats the part, with the unusable answer added).
    const byPart = new Map<string, (typeof calls)[number]>();
    for (const call of calls) {
      const part = /This is part (\d+) of/.exec(call.request.messages.at(-1)?.content ?? '')?.[1];
      if (part !== undefined && !byPart.has(part)) byPart.set(part, call);
    }
    expect(byPart.size).toBe(stats.chunks);
    expect(byPart.size).toBeGreaterThan(2);
    for (const { request, answer } of calls) {
      expect(answer.promptEvalCount).toBeLessThanOrEqual(request.numCtx - request.numPredict);
    }
    // The server's count of each of those prompts without its part, and of the whole document.
    let readInParts = 0;
    for (const { request, answer } of byPart.values()) {
      const withoutPart = request.messages.map((message) => ({
        ...message,
        content: message.content.replace(/<content>\n[\s\S]*?\n<\/content>/, '<content>\n\n</content>'),
      }));
      readInParts += (answer.promptEvalCount ?? 0) - (await serverCount(withoutPart, 2048));
    }
    const content = renderForModel(document);
    const whole =
      (await serverCount([{ role: 'user', content }], 4096)) -
      (await serverCount([{ role: 'user', content: '' }], 4096));
    // Every token of the document reached the model; a few differ where a part's edges meet its tags.
    expect(Math.abs(readInParts - whole)).toBeLessThanOrEqual(4 * byPart.size);
  });
});
