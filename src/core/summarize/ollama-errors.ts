import { cancelledError, RecapError } from '../errors.js';
import { truncate } from '../text.js';
import { type OllamaApi, OllamaHttpError, OllamaStreamEnded, OllamaStreamError } from './ollama-http.js';

/** A request to the model in flight, as far as naming its failure needs. */
export interface ModelCall {
  signal: AbortSignal;
  /** The caller's own signal; absent for a lookup shared by several callers. */
  callerSignal: AbortSignal | undefined;
  readonly timedOut: boolean;
  touch(): void;
  end(): void;
}

/**
 * Ollama refused a prompt longer than num_ctx (0.12.6 and later, asked with `truncate: false`:
 * `400 {"error": "the input length exceeds the context length"}`, runner/ollamarunner/runner.go).
 * Not an error for people: the summarizer plans again with smaller parts.
 */
export class PromptTooLong extends Error {
  override readonly name = 'PromptTooLong';
  constructor(readonly numCtx: number) {
    super(`the server refused a prompt longer than num_ctx ${numCtx}`);
  }
}

/** The answer stopped unfinished: the server gave up on a model repeating itself. A bad answer, not a failure. */
export class AnswerCutShort extends Error {
  override readonly name = 'AnswerCutShort';
}

interface Context {
  host: string;
  model: string;
  idleTimeoutMs: number;
  api: OllamaApi;
  call: ModelCall;
  numCtx?: number;
}

/** How long the follow-up questions that explain a failure (/api/version, /api/tags) may take. */
const DIAGNOSIS_TIMEOUT_MS = 5_000;
const MODELS_LISTED = 10;

/** Turns whatever a model request threw into what recap tells a person, asking the server when unsure. */
export async function nameOllamaError(error: unknown, context: Context): Promise<Error> {
  const { host, model, call } = context;
  if (error instanceof RecapError || error instanceof PromptTooLong || error instanceof AnswerCutShort) {
    return error;
  }
  if (call.callerSignal?.aborted) return cancelledError(call.callerSignal.reason);
  if (call.timedOut) {
    return new RecapError(
      'model_timeout',
      `The model ${model} at ${host} said nothing for ${Math.round(context.idleTimeoutMs / 1000)} s, so recap stopped waiting. The server may be overloaded or still loading the model; try again, or raise RECAP_MODEL_TIMEOUT_MS.`,
      { cause: error },
    );
  }
  if (error instanceof OllamaHttpError && error.ollamaShaped) {
    if (error.status === 400 && /input length exceeds the context length/i.test(error.message)) {
      return new PromptTooLong(context.numCtx ?? 0);
    }
    if (error.status === 404 && /not found/i.test(error.message)) return missingModel(error, context);
    return modelFailed(`HTTP ${error.status}: ${error.message}`, error, host);
  }
  if (error instanceof OllamaStreamError) return modelFailed(error.message, error, host);
  if (error instanceof OllamaStreamEnded) return new AnswerCutShort(error.message, { cause: error });
  return connectionProblem(error, host) ?? identifyServer(error, context);
}

function modelFailed(detail: string, cause: unknown, host: string): RecapError {
  return new RecapError(
    'model_failed',
    `The Ollama server at ${host} failed while writing the summary (${truncate(detail, 200)}). Try again in a moment.`,
    { cause },
  );
}

async function missingModel(error: OllamaHttpError, context: Context): Promise<RecapError> {
  const { host, model } = context;
  const pull = `Run \`ollama pull ${model}\` there`;
  let has = '';
  try {
    const names = await context.api.modelNames(AbortSignal.timeout(DIAGNOSIS_TIMEOUT_MS));
    has =
      names.length === 0
        ? `, which has no models yet. ${pull}.`
        : `, which has ${names.slice(0, MODELS_LISTED).join(', ')}${names.length > MODELS_LISTED ? ', …' : ''}. ${pull}, or set OLLAMA_MODEL to one of those.`;
  } catch {
    has = `. ${pull}, or set OLLAMA_MODEL to a model it has.`;
  }
  return new RecapError('model_missing', `The model ${model} is not on the Ollama server at ${host}${has}`, {
    cause: error,
  });
}

const REFUSED = new Set(['ECONNREFUSED']);
const NO_NAME = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Failures to connect at all, which need no question to the server to explain. */
function connectionProblem(error: unknown, host: string): RecapError | undefined {
  if (causes(error).some((cause) => cause.message === 'bad port')) return blockedPort(error, host);
  const code = errorCodeOf(error);
  if (code === undefined) return undefined;
  const check = 'Is `ollama serve` running there, and does OLLAMA_HOST point to it?';
  if (REFUSED.has(code)) {
    return new RecapError('model_unreachable', `Can't reach Ollama at ${host}. ${check}`, { cause: error });
  }
  if (NO_NAME.has(code)) {
    const name = new URL(host).hostname;
    return new RecapError(
      'model_unreachable',
      `Can't find the host ${name} of OLLAMA_HOST (${host}): the name does not resolve. Check OLLAMA_HOST.`,
      { cause: error },
    );
  }
  if (NO_ROUTE.has(code)) {
    return new RecapError('model_unreachable', `Can't reach ${host}. ${check}`, { cause: error });
  }
  if ((code.startsWith('ERR_SSL') || code === 'EPROTO') && host.startsWith('https:')) {
    return new RecapError(
      'model_not_ollama',
      `${host} does not speak HTTPS (the TLS handshake failed). Ollama serves plain HTTP: set OLLAMA_HOST to ${host.replace(/^https:/, 'http:')}.`,
      { cause: error },
    );
  }
  return undefined;
}

/** Something answered in a way Ollama does not: ask /api/version whether it is Ollama at all. */
async function identifyServer(error: unknown, context: Context): Promise<RecapError> {
  const { host, api } = context;
  try {
    await api.version(AbortSignal.timeout(DIAGNOSIS_TIMEOUT_MS));
  } catch (versionError) {
    const evidence =
      versionError instanceof OllamaHttpError
        ? `HTTP ${versionError.status}, "${truncate(versionError.message, 60)}"`
        : versionError instanceof Error
          ? truncate(versionError.message, 80)
          : String(versionError);
    return new RecapError(
      'model_not_ollama',
      `The server at ${host} is not Ollama: asked for its version (/api/version) it answered ${evidence}. Set OLLAMA_HOST to the address \`ollama serve\` listens on (by default http://127.0.0.1:11434).`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return modelFailed(detail, error, host);
}

/**
 * fetch will not connect to a port kept for another protocol (1, 22, 25, 6000 and more: the Fetch
 * standard's "bad port" list, which undici applies as a network error with the cause "bad port").
 */
function blockedPort(error: unknown, host: string): RecapError {
  const { port } = new URL(host);
  return new RecapError(
    'config_invalid',
    `OLLAMA_HOST (${host}) uses port ${port}, which fetch refuses to connect to: it is kept for another protocol (a "bad port" in the Fetch standard). Serve Ollama on another port, such as its default 11434, and set OLLAMA_HOST to it.`,
    { cause: error },
  );
}

/** The error and its causes, outermost first (a few deep: fetch wraps the network's error once). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; chain.length < 5 && current instanceof Error; current = current.cause) {
    chain.push(current);
  }
  return chain;
}

function errorCodeOf(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
