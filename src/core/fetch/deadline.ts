/** A signal that fires when the caller cancels or when a total time limit passes, whichever is first. */
export interface Deadline {
  signal: AbortSignal;
  /** True once the time limit (not the caller) stopped the work. */
  readonly expired: boolean;
  /** Stops the timer and lets go of the caller's signal; call it when the guarded work ends. */
  dispose(): void;
}

/**
 * A deadline made of a plain timer and controller, held by this object for as long as the work runs.
 * `AbortSignal.any([signal, AbortSignal.timeout(ms)])` is not used: on Node 20 the timeout signal
 * inside it can be garbage-collected before it fires, and the limit is then silently lost
 * (nodejs/node#57736). The timer here is strongly referenced until `dispose()`.
 */
export function startDeadline(callerSignal: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onCallerAbort = () => controller.abort(callerSignal.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`gave up after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
  };
}
