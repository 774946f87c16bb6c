import { z } from 'zod';

/**
 * The few endpoints of Ollama's HTTP API recap uses (docs/api.md), over `fetch`, every answer parsed
 * with zod. Written for recap rather than taken from the `ollama` package, whose client prints to
 * stdout on an error page ("Getting text from response") and on a line that is not JSON, and passes
 * no `truncate`/`shift` options: recap owns its output and must tell an Ollama server from anything
 * else answering at OLLAMA_HOST.
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

export const VersionResponse = z.object({ version: z.string() });
export const TagsResponse = z.object({ models: z.array(z.object({ name: z.string() })) });
export const ShowResponse = z.object({
  model_info: z.record(z.string(), z.unknown()).optional(),
  capabilities: z.array(z.string()).optional(),
});

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

export interface OllamaHttp {
  get<T>(path: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T>;
  post<T>(path: string, body: object, schema: z.ZodType<T>, signal: AbortSignal): Promise<T>;
  /** POST /api/chat with `stream: true`: the NDJSON pieces as they arrive, the last one `done`. */
  chatStream(body: object, signal: AbortSignal): AsyncGenerator<ChatPiece>;
}

export function createOllamaHttp(host: string, fetchImpl: typeof globalThis.fetch): OllamaHttp {
  const send = async (path: string, signal: AbortSignal, body?: object): Promise<Response> => {
    const response = await fetchImpl(`${host}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    if (!response.ok) throw await httpError(response);
    return response;
  };
  const parse = async <T>(response: Response, schema: z.ZodType<T>): Promise<T> =>
    parseJson(await response.text(), schema);
  return {
    get: async (path, schema, signal) => parse(await send(path, signal), schema),
    post: async (path, body, schema, signal) => parse(await send(path, signal, body), schema),
    async *chatStream(body, signal) {
      const response = await send('/api/chat', signal, { ...body, stream: true });
      if (!response.body) throw new OllamaProtocolError('the chat answer had no body');
      for await (const value of ndjsonValues(response.body)) {
        const error = ErrorBody.safeParse(value);
        if (error.success) throw new OllamaStreamError(error.data.error);
        const piece = checked(value, ChatPiece);
        yield piece;
        if (piece.done) return;
      }
      throw new OllamaStreamEnded('the answer stopped before the model finished (it repeated itself)');
    },
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

function parseJson<T>(text: string, schema: z.ZodType<T>): T {
  return checked(jsonOf(text), schema);
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

/** The values of a stream of JSON lines (NDJSON). */
async function* ndjsonValues(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') yield jsonOf(line);
      newline = buffer.indexOf('\n');
    }
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest !== '') yield jsonOf(rest);
}
