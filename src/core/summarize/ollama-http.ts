import { type ChatRequest, Ollama } from 'ollama';
import { z } from 'zod';

/**
 * The endpoints of Ollama's HTTP API recap uses, through the `ollama` package (ollama-js), every
 * answer parsed with zod. The library is given recap's own fetch, which checks each response before
 * the library reads it: an HTTP error, a body that is not JSON, a stream line that is not a JSON
 * object, an error mid-stream and a stream that ends unfinished all become recap's errors here. The
 * library would otherwise print on some of them (`checkOk` logs "Getting text from response" for an
 * error page that is not JSON, `parseJSON` warns "invalid json" for every bad stream line and skips
 * it: ollama-js src/utils.ts) and describe the rest as plain Errors recap could not tell apart.
 */

/** The server answered with an HTTP error: `message` is Ollama's `{"error": …}`, or the start of the body. */
export class OllamaHttpError extends Error {
  override readonly name = 'OllamaHttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Whether the body was Ollama's JSON error object; an HTML page or plain text is not. */
    readonly ollamaShaped: boolean,
  ) {
    super(message);
  }
}

/** The answer was not what an Ollama server sends (not JSON, or not of the expected shape). */
export class OllamaProtocolError extends Error {
  override readonly name = 'OllamaProtocolError';
}

/**
 * The answer's stream ended with neither `done` nor an error. Ollama does this when the model repeats
 * one token more than 30 times (llm/server.go, Completion: "token repeat limit reached" returns
 * without an error, and the handler closes the stream); seen with Gemma 3 270M on 0.17.4.
 */
export class OllamaStreamEnded extends Error {
  override readonly name = 'OllamaStreamEnded';
}

/** Ollama streamed `{"error": …}` after a 200: the model runner failed mid-answer. */
export class OllamaStreamError extends Error {
  override readonly name = 'OllamaStreamError';
}

const VersionResponse = z.object({ version: z.string() });
const TagsResponse = z.object({ models: z.array(z.object({ name: z.string() })) });
const ShowResponse = z.object({
  model_info: z.record(z.string(), z.unknown()).optional(),
  capabilities: z.array(z.string()).optional(),
});
export type ShowResponse = z.infer<typeof ShowResponse>;

const ChatPiece = z.object({
  message: z.object({ content: z.string().optional() }).optional(),
  done: z.boolean(),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().int().nonnegative().optional(),
  eval_count: z.number().int().nonnegative().optional(),
  total_duration: z.number().nonnegative().optional(),
  load_duration: z.number().nonnegative().optional(),
  prompt_eval_duration: z.number().nonnegative().optional(),
  eval_duration: z.number().nonnegative().optional(),
});
export type ChatPiece = z.infer<typeof ChatPiece>;
const ErrorBody = z.object({ error: z.string() });

/**
 * A chat request as recap sends it: ollama-js posts the request object as given
 * (`processStreamableRequest` → `post`), so the fields its types do not know yet reach the server.
 * `truncate` and `shift` are Ollama's since 0.12.6 (api/types.go, ChatRequest).
 */
export type RecapChatRequest = Omit<ChatRequest, 'stream'> & { truncate: boolean; shift: boolean };

export interface OllamaApi {
  show(model: string, signal: AbortSignal): Promise<ShowResponse>;
  /** The names of the models the server has (`/api/tags`). */
  modelNames(signal: AbortSignal): Promise<string[]>;
  version(signal: AbortSignal): Promise<string>;
  /** A streamed chat: the NDJSON pieces as they arrive, the last one `done`. */
  chat(request: RecapChatRequest, signal: AbortSignal): AsyncGenerator<ChatPiece>;
}

export function createOllamaApi(host: string, fetchImpl: typeof globalThis.fetch): OllamaApi {
  /**
   * A client for one request: its fetch ends with `signal` and checks what the server sends. One per
   * request also because ollama-js keeps every stream it started in a list it clears only when the
   * stream ends with `done` (AbortableAsyncIterator's callback): a shared client would keep the
   * failed ones for good.
   */
  const client = (signal: AbortSignal, body: BodyKind) =>
    new Ollama({ host, fetch: guardedFetch(fetchImpl, signal, body) });
  return {
    show: async (model, signal) => checked(await client(signal, 'json').show({ model }), ShowResponse),
    async modelNames(signal) {
      const tags = checked(await client(signal, 'json').list(), TagsResponse);
      return tags.models.map((entry) => entry.name);
    },
    version: async (signal) => checked(await client(signal, 'json').version(), VersionResponse).version,
    async *chat(request, signal) {
      const stream = await client(signal, 'ndjson').chat({ ...request, stream: true });
      for await (const piece of stream) yield piece.done ? checked(piece, ChatPiece) : tokenPiece(piece);
    },
  };
}

type BodyKind = 'json' | 'ndjson';

/**
 * Lets through only what an Ollama server sends: a non-2xx answer is thrown as OllamaHttpError (the
 * library never reads it), a JSON body is checked to be JSON, and a stream is rewritten line by line
 * into JSON objects (see ndjsonGuard). The library's own signal (it aborts a stream it was asked to)
 * is kept alongside the request's.
 */
function guardedFetch(
  fetchImpl: typeof globalThis.fetch,
  signal: AbortSignal,
  kind: BodyKind,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
    if (!response.ok) throw await httpError(response);
    const headers = { status: response.status, headers: response.headers };
    if (kind === 'json') {
      const text = await response.text();
      jsonOf(text);
      return new Response(text, headers);
    }
    if (!response.body) throw new OllamaProtocolError('the chat answer had no body');
    return new Response(response.body.pipeThrough(ndjsonGuard()), headers);
  };
}

async function httpError(response: Response): Promise<OllamaHttpError> {
  const text = await response.text().catch(() => '');
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (body.success) return new OllamaHttpError(response.status, body.data.error, true);
  } catch {
    // not JSON: an HTML page or plain text, described below
  }
  const start = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return new OllamaHttpError(response.status, start || `HTTP ${response.status}`, false);
}

/**
 * A piece of an answer before the last: checked by hand rather than by ChatPiece, whose parse of an
 * object per token was a tenth of all a summary allocated. Only its text is read.
 */
function tokenPiece(value: unknown): ChatPiece {
  const content = (value as { message?: { content?: unknown } }).message?.content;
  if (typeof content !== 'string') throw new OllamaProtocolError('a piece of the answer had no text');
  return { done: false, message: { content } };
}

function checked<T>(value: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OllamaProtocolError(`unexpected answer: ${parsed.error.message}`);
  return parsed.data;
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OllamaProtocolError(`the answer was not JSON: ${text.replace(/\s+/g, ' ').slice(0, 80)}`);
  }
}

/**
 * A stream of JSON lines (NDJSON) passed on as the library can read it without a word: each line a
 * JSON object, blank lines dropped, a chunk's lines sent on together. It fails with recap's error on
 * a line that is not a JSON object, on Ollama's `{"error": …}` (server/routes.go writes it mid-stream
 * when the runner fails), and when the stream ends without `done: true`. A line is read once here and
 * passed on as it came: a chat streams one line per token, so each line's cost counts.
 */
function ndjsonGuard(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  let done = false;
  /** The complete lines of `text` checked and joined, the unfinished rest kept for the next chunk. */
  const checkedLines = (text: string): string => {
    let out = '';
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      out += checkedLine(text.slice(start, newline));
      start = newline + 1;
    }
    pending = text.slice(start);
    return out;
  };
  const checkedLine = (line: string): string => {
    if (line.trim() === '') return '';
    const value = jsonOf(line) as { error?: unknown; done?: unknown } | null;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new OllamaProtocolError(`a line of the answer was not a JSON object: ${line.slice(0, 80)}`);
    }
    if (typeof value.error === 'string') throw new OllamaStreamError(value.error);
    if (value.done === true) done = true;
    return `${line}\n`;
  };
  const send = (text: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    if (text !== '') controller.enqueue(encoder.encode(text));
  };
  return new TransformStream({
    transform(chunk, controller) {
      send(checkedLines(pending + decoder.decode(chunk, { stream: true })), controller);
    },
    flush(controller) {
      send(checkedLine(pending + decoder.decode()), controller);
      if (!done) {
        throw new OllamaStreamEnded('the answer stopped before the model finished (it repeated itself)');
      }
    },
  });
}
