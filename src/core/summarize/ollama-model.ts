import { Ollama } from 'ollama';
import { z } from 'zod';
import { cancelledError, RecapError } from '../errors.js';
import { truncate } from '../text.js';
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
  /** Tokens the server read from the prompt, after any truncation of its own. */
  promptEvalCount: number;
  evalCount: number;
  doneReason: string;
}

/** The language model as the summarizer sees it; Ollama is the implementation. */
export interface LanguageModel {
  readonly name: string;
  readonly host: string;
  /** The context length the model was trained for. */
  contextLength(signal: AbortSignal): Promise<number>;
  chat(request: ModelChatRequest): Promise<ModelChatAnswer>;
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

const ShowResponse = z.object({
  model_info: z.record(z.string(), z.unknown()).optional(),
});

const FinalChunk = z.object({
  done: z.literal(true),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().int().nonnegative().optional(),
  eval_count: z.number().int().nonnegative().optional(),
});

export function createOllamaModel(options: OllamaModelOptions): LanguageModel {
  const baseFetch = options.fetch ?? globalThis.fetch;
  let contextLengthPromise: Promise<number> | undefined;

  /** A client whose every request, streamed or not, ends when `signal` fires. */
  function clientFor(signal: AbortSignal): Ollama {
    const fetchWithSignal: typeof globalThis.fetch = (input, init) =>
      baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    return new Ollama({ host: options.host, fetch: fetchWithSignal });
  }

  async function readContextLength(signal: AbortSignal): Promise<number> {
    const watch = idleWatch(signal, options.idleTimeoutMs);
    try {
      const raw = await clientFor(watch.signal).show({ model: options.model });
      const info = ShowResponse.parse(raw).model_info ?? {};
      const architecture = info['general.architecture'];
      const length = typeof architecture === 'string' ? info[`${architecture}.context_length`] : undefined;
      return typeof length === 'number' && length > 0 ? length : FALLBACK_CONTEXT_LENGTH;
    } catch (error) {
      throw toRecapError(error, options, watch, signal);
    } finally {
      watch.stop();
    }
  }

  return {
    name: options.model,
    host: options.host,
    contextLength(signal) {
      contextLengthPromise ??= readContextLength(signal).catch((error: unknown) => {
        contextLengthPromise = undefined;
        throw error;
      });
      return contextLengthPromise;
    },
    async chat(request) {
      const watch = idleWatch(request.signal, options.idleTimeoutMs);
      try {
        const stream = await clientFor(watch.signal).chat({
          model: options.model,
          messages: request.messages.map((message) => ({ ...message })),
          format: request.format,
          stream: true,
          options: { num_ctx: request.numCtx, num_predict: request.numPredict, temperature: 0.2 },
        });
        let content = '';
        for await (const part of stream) {
          watch.touch();
          content += part.message?.content ?? '';
          const final = FinalChunk.safeParse(part);
          if (final.success) {
            return {
              content,
              promptEvalCount: final.data.prompt_eval_count ?? 0,
              evalCount: final.data.eval_count ?? 0,
              doneReason: final.data.done_reason ?? 'stop',
            };
          }
        }
        throw new Error('the stream ended before the model finished');
      } catch (error) {
        throw toRecapError(error, options, watch, request.signal);
      } finally {
        watch.stop();
      }
    },
  };
}

interface IdleWatch {
  signal: AbortSignal;
  readonly timedOut: boolean;
  touch(): void;
  stop(): void;
}

/** A signal that fires when the caller's does, or when nothing has arrived for `idleMs`. */
function idleWatch(callerSignal: AbortSignal, idleMs: number): IdleWatch {
  const idle = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      idle.abort(new Error(`no answer for ${idleMs} ms`));
    }, idleMs);
  };
  arm();
  return {
    signal: AbortSignal.any([callerSignal, idle.signal]),
    get timedOut() {
      return timedOut;
    },
    touch: arm,
    stop: () => clearTimeout(timer),
  };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function toRecapError(
  error: unknown,
  options: OllamaModelOptions,
  watch: IdleWatch,
  callerSignal: AbortSignal,
): RecapError {
  if (error instanceof RecapError) return error;
  if (callerSignal.aborted) return cancelledError(callerSignal.reason);
  if (watch.timedOut) {
    return new RecapError(
      'model_timeout',
      `The model ${options.model} at ${options.host} said nothing for ${Math.round(options.idleTimeoutMs / 1000)} s, so recap stopped waiting. The server may be overloaded or still loading the model; try again, or raise RECAP_MODEL_TIMEOUT_MS.`,
      { cause: error },
    );
  }
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404 && /not found/i.test(message)) {
    return new RecapError(
      'model_missing',
      `The model ${options.model} is not available on the Ollama server at ${options.host}. Run \`ollama pull ${options.model}\` there, or set OLLAMA_MODEL to a model it has.`,
      { cause: error },
    );
  }
  if (status === undefined && isConnectionFailure(error)) {
    return new RecapError(
      'model_unreachable',
      `Can't reach Ollama at ${options.host}. Is \`ollama serve\` running there, and does OLLAMA_HOST point to it?`,
      { cause: error },
    );
  }
  const detail = status === undefined ? message : `HTTP ${status}: ${message}`;
  return new RecapError(
    'model_failed',
    `The Ollama server at ${options.host} failed while writing the summary (${truncate(detail, 200)}). Try again in a moment.`,
    { cause: error },
  );
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status_code' in error) {
    const status = (error as { status_code: unknown }).status_code;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && CONNECTION_CODES.has(code)) return true;
    if (current.name === 'TypeError' && current.message === 'fetch failed' && current.cause === undefined) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
