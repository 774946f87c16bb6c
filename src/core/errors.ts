/**
 * The one error type of recap. `code` is for programs, `userMessage` is what a person in chat or at a
 * terminal is shown (it says what went wrong and, where there is one, the fix), `cause` is for the log.
 */
export type RecapErrorCode =
  | 'config_invalid'
  | 'empty_document'
  | 'unsupported_input'
  | 'input_too_large'
  | 'link_blocked'
  | 'link_failed'
  | 'captions_unavailable'
  | 'video_unavailable'
  | 'youtube_blocked'
  | 'model_unreachable'
  | 'model_missing'
  | 'model_not_ollama'
  | 'model_timeout'
  | 'model_failed'
  | 'model_bad_output'
  | 'prompt_truncated'
  | 'queue_full'
  | 'rate_limited'
  | 'cancelled'
  // Conversation recaps: nothing in the window, refused there, message text hidden, history unreadable.
  | 'nothing_to_recap'
  | 'recap_refused'
  | 'content_unreadable'
  | 'history_unavailable'
  // Where a chat answer goes (a reply surface) failed: each code says what a fallback can do about it.
  | 'surface_expired'
  | 'not_in_channel'
  | 'missing_permission'
  | 'surface_gone'
  | 'surface_rejected'
  | 'transient'
  // Several processes (issue 13): the Redis that fronts and workers meet on did not answer.
  | 'queue_unavailable';

const RETRYABLE: ReadonlySet<RecapErrorCode> = new Set([
  'model_unreachable',
  'model_timeout',
  'link_failed',
  'youtube_blocked',
  'model_failed',
  'queue_full',
  'transient',
  'queue_unavailable',
]);

export class RecapError extends Error {
  override readonly name = 'RecapError';
  readonly code: RecapErrorCode;
  readonly userMessage: string;
  /** How long the other side asked us to wait before trying again (a 429's Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: RecapErrorCode,
    userMessage: string,
    options: { cause?: unknown; retryAfterMs?: number | undefined } = {},
  ) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userMessage = userMessage;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether asking again later could succeed (the server was down, busy or slow). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isRecapError(error: unknown): error is RecapError {
  return error instanceof RecapError;
}

/** The message to show a person for any error: ours verbatim, anything else as a generic failure. */
export function userMessageOf(error: unknown): string {
  if (isRecapError(error)) return error.userMessage;
  return 'Something went wrong inside recap. The error was logged; please try again.';
}

/** One line per error in the cause chain, for logs: what happened and why, without stack traces. */
export function describeCauses(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof Error) {
      const code = isRecapError(current) ? `[${current.code}] ` : '';
      lines.push(`${current.name}: ${code}${current.message}`);
      current = current.cause;
    } else {
      lines.push(String(current));
      break;
    }
  }
  return lines.join('\n  caused by ');
}

export function cancelledError(reason?: unknown): RecapError {
  return new RecapError('cancelled', 'The summary was cancelled.', { cause: reason });
}

/** Throws our cancellation error when the signal has fired; call it between awaits. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw cancelledError(signal.reason);
}
