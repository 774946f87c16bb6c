/**
 * A wire-compatible stand-in for an Ollama 0.17.4 server (docs/api.md), following the release's code
 * where the docs say nothing; test/contract/ollama.contract.test.ts runs the same checks against it
 * and, in `npm run test:ollama`, against a real server, so the two cannot drift. What it reproduces:
 * - `/api/chat` streaming NDJSON (a final `done: true` with counts and durations), or one JSON object
 *   with `stream: false`; one chat at a time, the next waiting, as OLLAMA_NUM_PARALLEL=1
 *   (server/sched.go); a client that disconnects stops its answer and frees the slot;
 * - the context window: ollama-prompt.ts (messages dropped whole, then the prompt's front cut, or a
 *   400 with `truncate: false`); num_ctx defaults to 4096 on a machine without a GPU ("vram-based
 *   default context", server/routes.go) and is clamped to the trained length (llm/server.go);
 * - `/api/show` (`model_info["<arch>.context_length"]`, `capabilities`), `/api/tags`, `/api/version`,
 *   `/api/ps` (`context_length` of the loaded runner, reloaded when num_ctx changes);
 * - errors as the release writes them: `404 {"error": "model 'x' not found"}` (server/routes.go),
 *   Go's plain-text `404 page not found` for any other path, `{"error": …}` mid-stream;
 * - scripted answers: raw text, an error in the middle of a stream, silence, an HTTP error.
 * Without a script it answers like a model: valid JSON for the requested schema (each string within
 * its `maxLength`, as Ollama's grammar ends it), made of the words it read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal, sendJson, sleep } from './http.js';
import { answerLikeAModel, fullName, pieces, psOf, showOf, tagOf } from './ollama-answers.js';
import { type ChatMessageIn, CL100K, InputTooLong, readPrompt, type Tokenizer } from './ollama-prompt.js';

export interface FakeModel {
  name: string;
  architecture?: string;
  contextLength?: number;
}

export type ChatScript =
  | { kind: 'reply'; content: string }
  | { kind: 'error-mid-stream'; partial: string; error: string }
  | { kind: 'silent' }
  | { kind: 'http-error'; status: number; error: string }
  /**
   * Answers as the model would, but reports no `prompt_eval_count`, as a proxy that drops it. (Ollama
   * leaves it out only when it is 0, api/types.go `omitempty`, and a templated prompt never is.)
   */
  | { kind: 'no-count' };

export interface RecordedChat {
  model: string;
  messages: ChatMessageIn[];
  numCtx: number | undefined;
  numPredict: number | undefined;
  format: unknown;
  /** `truncate` and `shift` as sent (undefined when absent, which Ollama reads as true). */
  truncate: boolean | undefined;
  shift: boolean | undefined;
  /** Tokens in the whole prompt as sent. */
  promptTokens: number;
  /** `prompt_eval_count`: the tokens the model read. */
  readTokens: number;
  /** What the model read, after any message was dropped or the front cut to fit the context. */
  seenPrompt: string;
  droppedMessages: number;
  /** Whether anything was dropped or cut. */
  truncated: boolean;
  /** Refused with a 400 because it did not fit and `truncate` was false. */
  refused: boolean;
  /** The client left before the answer ended, and the fake stopped writing it. */
  aborted: boolean;
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
  /** How the fake counts tokens: cl100k (the default), or CHARACTERS for a benchmark. */
  tokenizer?: Tokenizer;
  /**
   * The release /api/version answers (FAKE_OLLAMA_VERSION unless given); one before 0.12.6 knows no
   * `truncate`/`shift` for chat and always cuts (api/types.go gained both in 0.12.6). `null`: no
   * /api/version at all, as a proxy that passes only the chat through.
   */
  version?: string | null;
  /** A wait before answering /api/show, as a server busy loading. */
  showDelayMs?: number;
  /** False: keep no record of the chats (a benchmark sending hundreds of long prompts). */
  record?: boolean;
  /** Chats answered at once (OLLAMA_NUM_PARALLEL); the others wait their turn. 1 when absent. */
  parallel?: number;
}

export interface FakeOllama {
  url: string;
  chats: RecordedChat[];
  /** Requests by path, in order, e.g. "POST /api/show". */
  requests: string[];
  /** The most chat requests open at once: answered, or waiting for a slot. */
  readonly maxInFlight: number;
  /** Answers for the next chat requests, in order; after them the default model answers. */
  script(...items: ChatScript[]): void;
  /**
   * Holds every chat that takes a slot from now on, recorded but not yet answered (a model still
   * reading a long prompt), until the returned function is called. A client that leaves frees its
   * slot as it would anyway, and its chat is recorded as aborted.
   */
  hold(): () => void;
  close(): Promise<void>;
}

export const FAKE_OLLAMA_VERSION = '0.17.4';
const DEFAULT_NUM_CTX = 4096;

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = options.models ?? [{ name: 'llama3.2', architecture: 'llama', contextLength: 131072 }];
  const chats: RecordedChat[] = [];
  const requests: string[] = [];
  const scripts: ChatScript[] = [];
  const slot = slots(options.parallel ?? 1);
  let held: Promise<void> | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let loaded: { model: string; numCtx: number } | undefined;

  const findModel = (name: unknown): FakeModel | undefined => {
    if (typeof name !== 'string') return undefined;
    return models.find((model) => fullName(model.name) === fullName(name));
  };
  const notFound = (response: ServerResponse, name: unknown) =>
    sendJson(response, 404, { error: `model '${String(name)}' not found` });

  const local = await listenLocal(async (request, response, body) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const route = `${request.method} ${path}`;
    requests.push(route);
    const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        return sendText(response, 200, 'Ollama is running');
      case 'GET /api/version':
        if (options.version === null) return sendText(response, 404, '404 page not found');
        return sendJson(response, 200, { version: options.version ?? FAKE_OLLAMA_VERSION });
      case 'GET /api/tags':
        return sendJson(response, 200, { models: models.map(tagOf) });
      case 'GET /api/ps':
        return sendJson(response, 200, { models: loaded ? [psOf(loaded)] : [] });
      case 'POST /api/show': {
        const model = findModel(json.model ?? json.name);
        if (options.showDelayMs) await sleep(options.showDelayMs);
        return model ? sendJson(response, 200, showOf(model)) : notFound(response, json.model ?? json.name);
      }
      case 'POST /api/chat': {
        const model = findModel(json.model);
        if (!model) return notFound(response, json.model);
        // total_duration counts the wait for the slot, as Ollama's counts the wait for its runner.
        const arrived = performance.now();
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const release = await slot.take(request);
        try {
          return await chat(model, json, request, response, arrived);
        } finally {
          inFlight -= 1;
          release();
        }
      }
      default:
        return sendText(response, 404, '404 page not found');
    }
  });

  async function chat(
    model: FakeModel,
    body: Record<string, unknown>,
    request: IncomingMessage,
    response: ServerResponse,
    started: number,
  ): Promise<void> {
    const record = recordChat(model, body, options);
    if (options.record !== false) chats.push(record);
    if (record.refused)
      return sendJson(response, 400, { error: 'the input length exceeds the context length' });
    if (held) await releasedOrLeft(held, request);
    if (request.socket.destroyed) {
      record.aborted = true;
      return;
    }
    const script = scripts.shift();
    if (script?.kind === 'http-error') return sendJson(response, script.status, { error: script.error });
    if (script?.kind === 'silent') {
      // Holds the connection (and the one slot) until the client gives up.
      return new Promise<void>((resolve) => request.socket.once('close', resolve));
    }
    const context = effectiveContext(model, record.numCtx);
    const reload = loaded?.model !== record.model || loaded.numCtx !== context;
    loaded = { model: record.model, numCtx: context };
    const promptStarted = performance.now();
    if (options.promptTokenDelayMs) await sleep(record.promptTokens * options.promptTokenDelayMs);
    if (options.answerDelayMs) await sleep(options.answerDelayMs);
    const evalStarted = performance.now();
    const content =
      script?.kind === 'reply'
        ? script.content
        : script?.kind === 'error-mid-stream'
          ? script.partial
          : answerLikeAModel(record.seenPrompt, body.format);
    const ns = (ms: number) => Math.round(ms * 1_000_000);
    const stats = () => ({
      done_reason: 'stop',
      total_duration: ns(performance.now() - started),
      load_duration: reload ? ns(1) : 0,
      ...(script?.kind === 'no-count' ? {} : { prompt_eval_count: record.readTokens }),
      prompt_eval_duration: ns(evalStarted - promptStarted),
      eval_count: (options.tokenizer ?? CL100K).encode(content).length,
      eval_duration: ns(performance.now() - evalStarted),
    });
    const base = { model: String(body.model), created_at: new Date().toISOString() };
    if (body.stream === false) {
      // The model takes as long to write an answer that is sent whole.
      if (options.tokenDelayMs) await sleep(options.tokenDelayMs * pieces(content).length);
      return sendJson(response, 200, {
        ...base,
        message: { role: 'assistant', content },
        done: true,
        ...stats(),
      });
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let last = '';
    let repeats = 0;
    for (const piece of pieces(content)) {
      // llm/server.go, Completion: a token repeated more than 30 times ends the answer, with neither
      // `done` nor an error.
      repeats = piece.trim() === last ? repeats + 1 : 0;
      last = piece.trim();
      if (repeats > 30) return void response.end();
      if (options.tokenDelayMs) await sleep(options.tokenDelayMs);
      if (response.destroyed || request.socket.destroyed) {
        record.aborted = true;
        return;
      }
      response.write(
        `${JSON.stringify({ ...base, message: { role: 'assistant', content: piece }, done: false })}\n`,
      );
    }
    if (script?.kind === 'error-mid-stream') {
      response.end(`${JSON.stringify({ error: script.error })}\n`);
      return;
    }
    response.end(
      `${JSON.stringify({ ...base, message: { role: 'assistant', content: '' }, done: true, ...stats() })}\n`,
    );
  }

  return {
    url: local.url,
    chats,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    script: (...items) => scripts.push(...items),
    hold() {
      let release: () => void = () => undefined;
      const holding = new Promise<void>((resolve) => {
        release = resolve;
      });
      held = holding;
      return () => {
        if (held === holding) held = undefined;
        release();
      };
    },
    close: local.close,
  };
}

function recordChat(model: FakeModel, body: Record<string, unknown>, fake: FakeOllamaOptions): RecordedChat {
  const inflation = fake.tokenInflation ?? 1;
  const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageIn[];
  const options = (body.options ?? {}) as { num_ctx?: number; num_predict?: number };
  const context = effectiveContext(model, options.num_ctx);
  const truncate = typeof body.truncate === 'boolean' ? body.truncate : undefined;
  const base = {
    model: String(body.model),
    messages,
    numCtx: options.num_ctx,
    numPredict: options.num_predict,
    format: body.format,
    truncate,
    shift: typeof body.shift === 'boolean' ? body.shift : undefined,
    aborted: false,
  };
  try {
    const tokenizer = fake.tokenizer ?? CL100K;
    const read = readPrompt(messages, context, !knowsTruncate(fake.version) || truncate !== false, {
      tokenizer,
      inflation,
    });
    return {
      ...base,
      promptTokens: read.sentTokens,
      readTokens: read.readTokens,
      seenPrompt: read.seenPrompt,
      droppedMessages: read.droppedMessages,
      truncated: read.cut || read.droppedMessages > 0,
      refused: false,
    };
  } catch (error) {
    if (!(error instanceof InputTooLong)) throw error;
    const whole = messages.map((m) => m.content).join('\n');
    const tokens = Math.ceil((fake.tokenizer ?? CL100K).encode(whole).length * inflation);
    return {
      ...base,
      promptTokens: tokens,
      readTokens: 0,
      seenPrompt: '',
      droppedMessages: 0,
      truncated: false,
      refused: true,
    };
  }
}

/** Whether a release honours `truncate: false` for chat: 0.12.6 and later (a proxy's: assume so). */
function knowsTruncate(version: string | null | undefined): boolean {
  if (typeof version !== 'string') return true;
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 0 || minor > 12 || (minor === 12 && patch >= 6);
}

function effectiveContext(model: FakeModel, numCtx: number | undefined): number {
  return Math.min(numCtx ?? DEFAULT_NUM_CTX, model.contextLength ?? DEFAULT_NUM_CTX);
}

/**
 * `count` requests at a time, as OLLAMA_NUM_PARALLEL (1 by default: server/sched.go); the next wait in
 * order. A request whose client left gives up its place.
 */
function slots(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    async take(request: IncomingMessage): Promise<() => void> {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      if (request.socket.destroyed) {
        release();
        return () => undefined;
      }
      return release;
    },
  };
}

/** Until `held` is released, or the client has left (its connection closed). */
async function releasedOrLeft(held: Promise<void>, request: IncomingMessage): Promise<void> {
  let left: () => void = () => undefined;
  const leaving = new Promise<void>((resolve) => {
    left = resolve;
    request.socket.once('close', left);
  });
  await Promise.race([held, leaving]);
  request.socket.off('close', left);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
