import { onAbort } from '../abort-listener.js';
import { cancelledError } from '../errors.js';
import { type ModelCall, nameOllamaError } from './ollama-errors.js';
import { type ChatPiece, createOllamaApi, type RecapChatRequest } from './ollama-http.js';
import type { ChatMessage } from './prompt.js';

export interface ModelChatRequest {
  messages: readonly ChatMessage[];
  /** JSON schema the answer must follow (Ollama's structured outputs). */
  format: object;
  numCtx: number;
  /** The most tokens the answer may have; the room reserved for it in the context. */
  numPredict: number;
  signal: AbortSignal;
}

export interface ModelChatAnswer {
  content: string;
  /** Tokens the server says it read from the prompt; undefined when it did not say. */
  promptEvalCount: number | undefined;
  evalCount: number;
  doneReason: string;
  /** The server's own account of the call's time, in ms (0 where it gave none). */
  timings: { totalMs: number; loadMs: number; promptEvalMs: number; evalMs: number };
}

/** The language model as the summarizer sees it; Ollama is the implementation. */
export interface LanguageModel {
  readonly name: string;
  readonly host: string;
  /** The context length the model was trained for. */
  contextLength(signal: AbortSignal): Promise<number>;
  /**
   * One answer. Throws PromptTooLong when the server refused a prompt longer than `numCtx`, and
   * AnswerCutShort when the answer stopped unfinished (the model looped).
   */
  chat(request: ModelChatRequest): Promise<ModelChatAnswer>;
  /**
   * Whether the server refuses a prompt longer than num_ctx instead of cutting it, so that an answer
   * proves its prompt was read whole (Ollama 0.12.6 and later, asked with `truncate: false`, as every
   * chat here is). False when the server does not say.
   */
  refusesOverflow(signal: AbortSignal): Promise<boolean>;
}

export interface OllamaModelOptions {
  host: string;
  model: string;
  /** The longest silence allowed from the server: loading, reading the prompt, or between tokens. */
  idleTimeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

/** Used when /api/show names no context length: the smallest window current models have. */
const FALLBACK_CONTEXT_LENGTH = 2048;
/**
 * The first release that honours `truncate: false` for chat, answering 400 "the input length exceeds
 * the context length" (api/types.go gained ChatRequest.Truncate and Shift, and both runners
 * errorInputTooLong, in v0.12.6). A build without a version says 0.0.0 (version/version.go).
 */
const REFUSES_OVERFLOW_SINCE = [0, 12, 6] as const;
/** How long asking the server's version may take. */
const VERSION_TIMEOUT_MS = 5_000;

export function createOllamaModel(options: OllamaModelOptions): LanguageModel {
  const api = createOllamaApi(options.host, options.fetch ?? globalThis.fetch);
  let lookup: Promise<number> | undefined;
  let refusal: Promise<boolean> | undefined;

  /**
   * Tied to no caller's signal: the first caller leaving, or the start-up check's time limit, must
   * not fail the lookup for everyone waiting on it. It ends by itself, at the idle time limit.
   */
  async function readContextLength(): Promise<number> {
    const call = startCall(undefined, options.idleTimeoutMs);
    try {
      const show = await api.show(options.model, call.signal);
      const info = show.model_info ?? {};
      const architecture = info['general.architecture'];
      const length = typeof architecture === 'string' ? info[`${architecture}.context_length`] : undefined;
      return typeof length === 'number' && length > 0 ? length : FALLBACK_CONTEXT_LENGTH;
    } catch (error) {
      throw await nameOllamaError(error, { ...options, api, call });
    } finally {
      call.end();
    }
  }

  /** Asked once; a server that does not answer is judged as one that may cut, and asked again next time. */
  async function readRefusal(): Promise<boolean> {
    const call = startCall(undefined, Math.min(options.idleTimeoutMs, VERSION_TIMEOUT_MS));
    try {
      return atLeast(await api.version(call.signal), REFUSES_OVERFLOW_SINCE);
    } catch {
      refusal = undefined;
      return false;
    } finally {
      call.end();
    }
  }

  return {
    name: options.model,
    host: options.host,
    refusesOverflow(signal) {
      refusal ??= readRefusal();
      return untilAborted(refusal, signal);
    },
    contextLength(signal) {
      lookup ??= readContextLength().catch((error: unknown) => {
        lookup = undefined;
        throw error;
      });
      return untilAborted(lookup, signal);
    },
    async chat(request) {
      const call = startCall(request.signal, options.idleTimeoutMs);
      try {
        let content = '';
        for await (const piece of api.chat(chatBody(options.model, request), call.signal)) {
          call.touch();
          content += piece.message?.content ?? '';
          if (piece.done) return answerOf(content, piece);
        }
        // The guard fails a stream that ends without `done`; this is for the type checker.
        throw new Error('the answer ended without done');
      } catch (error) {
        throw await nameOllamaError(error, { ...options, api, call, numCtx: request.numCtx });
      } finally {
        call.end();
      }
    },
  };
}

function chatBody(model: string, request: ModelChatRequest): RecapChatRequest {
  return {
    model,
    messages: request.messages.map((message) => ({ ...message })),
    format: request.format,
    // Ollama 0.12.6 and later refuse a prompt longer than num_ctx with a 400 instead of dropping
    // older messages (server/prompt.go, chatPrompt) or cutting the prompt's front (runner/
    // ollamarunner/runner.go, NewSequence); older servers ignore both fields, and the summarizer's
    // count check catches their cuts. `shift: false`: never discard the prompt to make room while
    // answering (the room for the answer is reserved in num_ctx anyway).
    truncate: false,
    shift: false,
    options: { num_ctx: request.numCtx, num_predict: request.numPredict, temperature: 0.2 },
  };
}

/** Whether a version such as "0.17.4" or "0.12.6-rc1" is at least `least`. */
function atLeast(version: string, least: readonly number[]): boolean {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  for (const [index, wanted] of least.entries()) {
    const part = parts[index];
    if (part === undefined || Number.isNaN(part)) return false;
    if (part !== wanted) return part > wanted;
  }
  return true;
}

const NS_PER_MS = 1_000_000;

function answerOf(content: string, done: ChatPiece): ModelChatAnswer {
  const ms = (ns: number | undefined) => (ns ?? 0) / NS_PER_MS;
  return {
    content,
    promptEvalCount: done.prompt_eval_count,
    evalCount: done.eval_count ?? 0,
    doneReason: done.done_reason ?? 'stop',
    timings: {
      totalMs: ms(done.total_duration),
      loadMs: ms(done.load_duration),
      promptEvalMs: ms(done.prompt_eval_duration),
      evalMs: ms(done.eval_duration),
    },
  };
}

/**
 * One request's own signal: it fires when the caller's does, when the server has said nothing for
 * `idleMs`, and at `end()`. A plain timer and controller, so nothing outlives the call.
 */
function startCall(callerSignal: AbortSignal | undefined, idleMs: number): ModelCall {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`no answer for ${idleMs} ms`));
    }, idleMs);
  };
  arm();
  const unlink = callerSignal
    ? onAbort(callerSignal, () => controller.abort(callerSignal.reason))
    : () => undefined;
  return {
    signal: controller.signal,
    callerSignal,
    get timedOut() {
      return timedOut;
    },
    touch: arm,
    end: () => {
      clearTimeout(timer);
      unlink();
      // ollama-js stops reading a stream at `done`, or where recap threw, without cancelling it:
      // aborting closes whatever is still open (after a whole answer, nothing).
      controller.abort(new Error('the call ended'));
    },
  };
}

/** Waits for a shared promise, but lets this caller leave when its own signal fires. */
function untilAborted<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const leave = onAbort(signal, () => reject(cancelledError(signal.reason)));
    shared.then(
      (value) => {
        leave();
        resolve(value);
      },
      (error: unknown) => {
        leave();
        reject(error);
      },
    );
  });
}
