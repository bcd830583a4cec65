/**
 * Settles with `work`'s value, or with `onAbort()` as soon as `signal` aborts, whichever is first.
 * `work` is left running (callers bound it with their own timeout); it must not reject.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return Promise.resolve(onAbort());
  return new Promise((resolve) => {
    const abort = (): void => resolve(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    void work.then((value) => {
      signal.removeEventListener('abort', abort);
      resolve(value);
    });
  });
}
