/**
 * Calling listeners (commit subscribers, audit subscribers, workflow state
 * observers). A listener that throws stops neither the others nor what was
 * already done (the commit stands); its error goes to the engine's
 * `onListenerError`, which by default logs it: a careless listener must not
 * take the application down, and its error must not be lost either.
 */

/** Where listener errors go: the error, and which kind of listener threw. */
export type ListenerErrorHandler = (error: unknown, source: string) => void;

export const logListenerError: ListenerErrorHandler = (error, source) => {
  console.error(`theus: a ${source} listener threw; the engine carries on`, error);
};

export function notify<T>(listeners: Iterable<(value: T) => void>, value: T, onError: ListenerErrorHandler, source: string): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      report(onError, error, source);
    }
  }
}

/** Hands an error to `onError`; should that throw too, logs both. */
export function report(onError: ListenerErrorHandler, error: unknown, source: string): void {
  try {
    onError(error, source);
  } catch (second) {
    logListenerError(second, 'onListenerError');
    logListenerError(error, source);
  }
}
