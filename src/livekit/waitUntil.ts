import { FoxgloveError } from "../core/FoxgloveError.js";

/** Something to subscribe to: `subscribe(cb)` returns the unsubscribe function. */
export type Subscribe = (callback: () => void) => () => void;

/**
 * Resolves with `probe()` as soon as it is defined, re-checking whenever `changes` fires. Rejects
 * with FoxgloveError ERR_TIMEOUT at `deadline` (ms since the epoch) and ERR_CHANNEL_CLOSED when
 * `signal` aborts. `what` names the awaited thing in errors.
 */
export async function waitUntil<T>(
  probe: () => T | undefined,
  changes: Subscribe,
  deadline: number,
  signal: AbortSignal,
  what: string,
): Promise<T> {
  const now = probe();
  if (now !== undefined) {
    return now;
  }
  return await new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
      settle();
    };
    const onAbort = () =>
      finish(() =>
        reject(
          new FoxgloveError("ERR_CHANNEL_CLOSED", `the room closed while waiting for ${what}`),
        ),
      );
    const timer = setTimeout(
      () => finish(() => reject(new FoxgloveError("ERR_TIMEOUT", `timed out waiting for ${what}`))),
      Math.max(0, deadline - Date.now()),
    );
    const unsubscribe = changes(() => {
      const value = probe();
      if (value !== undefined) {
        finish(() => resolve(value));
      }
    });
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
}
