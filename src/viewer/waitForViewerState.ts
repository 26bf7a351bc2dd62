import { FoxgloveError } from "../core/FoxgloveError.js";
import type { Emitter } from "./Emitter.js";
import type { ViewerEvents } from "./ViewerEvents.js";

/** Options of the viewer's `waitFor…` methods. */
export interface WaitOptions {
  /** How long to wait, ms (default 10 000); then rejects with `ERR_TIMEOUT`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Resolves with `probe()` as soon as it is defined, probing again on each `event` of the viewer.
 * Rejects with FoxgloveError `ERR_TIMEOUT` (message `timeout()`), `ERR_ABORTED`, or
 * `ERR_CHANNEL_CLOSED` when the viewer closes or `isClosed()` already is.
 */
export async function waitForViewerState<T>(
  events: Emitter<ViewerEvents>,
  event: keyof ViewerEvents,
  probe: () => T | undefined,
  isClosed: () => boolean,
  options: WaitOptions,
  timeout: (ms: number) => string,
): Promise<T> {
  const now = probe();
  if (now !== undefined) {
    return now;
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  return await new Promise<T>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    const finish = (fn: () => void) => {
      cleanups.forEach((c) => c());
      fn();
    };
    cleanups.push(
      events.on(event, () => {
        const found = probe();
        if (found !== undefined) {
          finish(() => resolve(found));
        }
      }),
      events.on("close", () =>
        finish(() => reject(new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed"))),
      ),
    );
    const timer = setTimeout(
      () => finish(() => reject(new FoxgloveError("ERR_TIMEOUT", timeout(timeoutMs)))),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () =>
        finish(() => reject(new FoxgloveError("ERR_ABORTED", "waiting was aborted")));
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
    if (isClosed()) {
      finish(() => reject(new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed")));
    }
  });
}
