interface Listeners {
  callbacks: Set<() => void>;
  fire: () => void;
}

const bySignal = new WeakMap<AbortSignal, Listeners>();

/**
 * Calls `callback` once when `signal` fires, until the returned function is called (call it when the
 * work ends, whichever way). Many jobs can wait on one long-lived signal, such as a process's
 * shutdown signal: each signal gets a single real listener however many jobs wait on it, so a burst
 * never trips Node's MaxListenersExceededWarning, and that listener is removed with the last job.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let listeners = bySignal.get(signal);
  if (!listeners) {
    const callbacks = new Set<() => void>();
    const fire = () => {
      bySignal.delete(signal);
      for (const waiting of [...callbacks]) waiting();
    };
    listeners = { callbacks, fire };
    bySignal.set(signal, listeners);
    signal.addEventListener('abort', fire, { once: true });
  }
  const entry = () => callback();
  const own = listeners;
  own.callbacks.add(entry);
  return () => {
    if (!own.callbacks.delete(entry) || own.callbacks.size > 0) return;
    signal.removeEventListener('abort', own.fire);
    if (bySignal.get(signal) === own) bySignal.delete(signal);
  };
}
