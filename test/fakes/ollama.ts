/**
 * A wire-compatible stand-in for an Ollama server (https://github.com/ollama/ollama/blob/main/docs/api.md),
 * driven by the real `ollama` client in tests. What it reproduces:
 * - `/api/chat` streaming NDJSON (one JSON object per line, a final `done: true` with the counts), or one
 *   JSON object when `stream: false`;
 * - the context window: the prompt is tokenized (cl100k, close to Llama 3's tokenizer) and, when longer
 *   than `options.num_ctx` (default 2048, clamped to the model's trained length), its front is cut off
 *   silently, as Ollama does; `prompt_eval_count` reports what was kept;
 * - `/api/show` with `model_info["<arch>.context_length"]`, `/api/tags`, `/api/version`;
 * - `404 {"error": "model \"x\" not found, try pulling it first"}` for a model it does not have;
 * - scripted answers: raw text (three bullets, prose, broken JSON, `<think>` blocks), an error in the
 *   middle of a stream, silence, an HTTP error; and a delay per token.
 * Without a script it answers like a model: valid JSON for the requested schema, made of the words it saw.
 */
import type { ServerResponse } from 'node:http';
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { listenLocal, sendJson, sleep } from './http.js';

export interface FakeModel {
  name: string;
  architecture?: string;
  contextLength?: number;
}

export type ChatScript =
  | { kind: 'reply'; content: string }
  | { kind: 'error-mid-stream'; partial: string; error: string }
  | { kind: 'silent' }
  | { kind: 'http-error'; status: number; error: string };

export interface RecordedChat {
  model: string;
  messages: { role: string; content: string }[];
  numCtx: number | undefined;
  numPredict: number | undefined;
  format: unknown;
  /** Tokens in the whole prompt as sent. */
  promptTokens: number;
  /** The part of the prompt the model actually read, after the front was cut to fit the context. */
  seenPrompt: string;
  truncated: boolean;
}

export interface FakeOllamaOptions {
  models?: FakeModel[];
  /** Delay before each streamed piece of the answer. */
  tokenDelayMs?: number;
  /** A fixed wait before answering each chat, as a model that takes long. */
  answerDelayMs?: number;
  /** Delay per prompt token, as the time a model takes to read the prompt. */
  promptTokenDelayMs?: number;
  /**
   * Tokens per cl100k token: 3 stands for a model whose tokenizer splits this text three times finer
   * (as Llama 2's did for CJK), so that a client's estimate falls short.
   */
  tokenInflation?: number;
}

export interface FakeOllama {
  url: string;
  chats: RecordedChat[];
  /** Requests by path, in order, e.g. "POST /api/show". */
  requests: string[];
  /** Answers for the next chat requests, in order; after them the default model answers. */
  script(...items: ChatScript[]): void;
  close(): Promise<void>;
}

const DEFAULT_NUM_CTX = 2048;

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = options.models ?? [{ name: 'llama3.2', architecture: 'llama', contextLength: 131072 }];
  const chats: RecordedChat[] = [];
  const requests: string[] = [];
  const scripts: ChatScript[] = [];

  const findModel = (name: unknown): FakeModel | undefined => {
    if (typeof name !== 'string') return undefined;
    const bare = name.replace(/:latest$/, '');
    return models.find((model) => model.name === bare || model.name === name);
  };

  const local = await listenLocal(async (request, response, body) => {
    const route = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
    requests.push(route);
    const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    switch (route) {
      case 'GET /api/version':
        return sendJson(response, 200, { version: '0.12.6' });
      case 'GET /api/tags':
        return sendJson(response, 200, { models: models.map(tagOf) });
      case 'POST /api/show': {
        const model = findModel(json.model ?? json.name);
        if (!model) return sendJson(response, 404, { error: `model '${String(json.model)}' not found` });
        return sendJson(response, 200, showOf(model));
      }
      case 'POST /api/chat': {
        const model = findModel(json.model);
        if (!model) {
          return sendJson(response, 404, {
            error: `model "${String(json.model)}" not found, try pulling it first`,
          });
        }
        return chat(model, json, response);
      }
      default:
        return sendJson(response, 404, { error: 'not found' });
    }
  });

  async function chat(
    model: FakeModel,
    body: Record<string, unknown>,
    response: ServerResponse,
  ): Promise<void> {
    const record = readPrompt(model, body, options.tokenInflation ?? 1);
    chats.push(record);
    const script = scripts.shift();
    if (script?.kind === 'http-error') return sendJson(response, script.status, { error: script.error });
    if (script?.kind === 'silent') return; // holds the connection until the client gives up
    if (options.promptTokenDelayMs) await sleep(record.promptTokens * options.promptTokenDelayMs);
    if (options.answerDelayMs) await sleep(options.answerDelayMs);
    const content =
      script?.kind === 'reply'
        ? script.content
        : script?.kind === 'error-mid-stream'
          ? script.partial
          : answerLikeAModel(record.seenPrompt, body.format);
    const stats = {
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: 1000,
      prompt_eval_count: Math.min(record.promptTokens, effectiveContext(model, record.numCtx)),
      prompt_eval_duration: 1000,
      eval_count: encode(content).length,
      eval_duration: 1000,
    };
    const base = { model: String(body.model), created_at: new Date().toISOString() };
    if (body.stream === false) {
      return sendJson(response, 200, {
        ...base,
        message: { role: 'assistant', content },
        done: true,
        ...stats,
      });
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const piece of pieces(content)) {
      if (options.tokenDelayMs) await sleep(options.tokenDelayMs);
      if (response.destroyed) return;
      response.write(
        `${JSON.stringify({ ...base, message: { role: 'assistant', content: piece }, done: false })}\n`,
      );
    }
    if (script?.kind === 'error-mid-stream') {
      response.end(`${JSON.stringify({ error: script.error })}\n`);
      return;
    }
    response.end(
      `${JSON.stringify({ ...base, message: { role: 'assistant', content: '' }, done: true, ...stats })}\n`,
    );
  }

  return {
    url: local.url,
    chats,
    requests,
    script: (...items) => scripts.push(...items),
    close: local.close,
  };
}

function effectiveContext(model: FakeModel, numCtx: number | undefined): number {
  return Math.min(numCtx ?? DEFAULT_NUM_CTX, model.contextLength ?? DEFAULT_NUM_CTX);
}

/** Renders the chat as a template would and keeps only the last num_ctx tokens of it. */
function readPrompt(model: FakeModel, body: Record<string, unknown>, inflation: number): RecordedChat {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as { role: string; content: string }[];
  const turns = messages.map((m) => `<|start|>${m.role}\n${m.content}<|end|>\n`).join('');
  const rendered = `${turns}<|start|>assistant\n`;
  const options = (body.options ?? {}) as { num_ctx?: number; num_predict?: number };
  const tokens = encode(rendered, { allowedSpecial: new Set(), disallowedSpecial: new Set() });
  const context = effectiveContext(model, options.num_ctx);
  const count = tokens.length * inflation;
  const truncated = count > context;
  const kept = Math.floor(context / inflation);
  return {
    model: String(body.model),
    messages,
    numCtx: options.num_ctx,
    numPredict: options.num_predict,
    format: body.format,
    promptTokens: count,
    seenPrompt: truncated ? decode(tokens.slice(tokens.length - kept)) : rendered,
    truncated,
  };
}

/** Valid JSON for the requested schema, built from the words of what the model read. */
function answerLikeAModel(seenPrompt: string, format: unknown): string {
  const { key, count } = arrayFieldOf(format);
  const content = /<(content|notes)>\n([\s\S]*?)\n<\/\1>/.exec(seenPrompt)?.[2] ?? seenPrompt;
  const words = content.split(/\s+/).filter((word) => /\p{L}/u.test(word));
  const items = Array.from({ length: count }, (_, index) => {
    const start = Math.floor((index * words.length) / count);
    const excerpt = words.slice(start, start + 8).join(' ');
    return `Point ${index + 1} covers ${excerpt || 'nothing'}.`;
  });
  return JSON.stringify({ [key]: items });
}

function arrayFieldOf(format: unknown): { key: string; count: number } {
  const properties = (format as { properties?: Record<string, { minItems?: number; maxItems?: number }> })
    ?.properties;
  const [key, schema] = Object.entries(properties ?? { bullets: {} })[0] ?? ['bullets', {}];
  const count =
    schema.minItems === schema.maxItems && schema.minItems
      ? schema.minItems
      : Math.max(schema.minItems ?? 5, 5);
  return { key, count };
}

/** An answer streamed in small pieces, as tokens arrive. */
function pieces(content: string): string[] {
  const characters = [...content];
  const result: string[] = [];
  for (let index = 0; index < characters.length; index += 4)
    result.push(characters.slice(index, index + 4).join(''));
  return result;
}

function tagOf(model: FakeModel) {
  return {
    name: `${model.name}:latest`,
    model: `${model.name}:latest`,
    modified_at: '2026-01-01T00:00:00Z',
    size: 2_019_393_189,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: {
      format: 'gguf',
      family: model.architecture ?? 'llama',
      parameter_size: '3.2B',
      quantization_level: 'Q4_K_M',
    },
  };
}

function showOf(model: FakeModel) {
  const architecture = model.architecture ?? 'llama';
  return {
    modelfile: `FROM ${model.name}`,
    parameters: 'stop "<|eot_id|>"',
    template: '{{ .Prompt }}',
    details: { format: 'gguf', family: architecture, parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
    model_info: {
      'general.architecture': architecture,
      'general.parameter_count': 3_212_749_888,
      ...(model.contextLength === undefined
        ? {}
        : { [`${architecture}.context_length`]: model.contextLength }),
    },
    capabilities: ['completion'],
    modified_at: '2026-01-01T00:00:00Z',
  };
}
