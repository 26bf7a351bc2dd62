import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";

/** Options of {@link EventHub.waitFor}. */
export interface WaitForOptions<T> {
  /** Only an event for which this returns true resolves the wait. Default: any. */
  filter?: (value: T) => boolean;
  /** Give up after this many milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Aborting it rejects the wait. */
  signal?: AbortSignal;
}

/** A small typed event emitter whose listeners can never break the emitter. */
export class EventHub<M extends object> {
  readonly #listeners = new Map<keyof M, Set<(value: never) => void>>();

  /** Calls `listener` for every `event`; returns a function that removes it. */
  on<K extends keyof M>(event: K, listener: (value: M[K]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  }

  /** Calls every listener of `event`; a throwing listener is logged and skipped. */
  emit<K extends keyof M>(event: K, value: M[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) {
      return;
    }
    for (const listener of [...set]) {
      try {
        (listener as (value: M[K]) => void)(value);
      } catch (error) {
        log.warn(`api-server: a "${String(event)}" listener threw`, error);
      }
    }
  }

  /**
   * Resolves with the next `event` that passes the filter.
   *
   * @throws FoxgloveError `ERR_TIMEOUT` after `timeoutMs`, `ERR_ABORTED` when `signal` aborts.
   */
  waitFor<K extends keyof M>(event: K, options: WaitForOptions<M[K]> = {}): Promise<M[K]> {
    const { filter, timeoutMs = 10_000, signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new FoxgloveError("ERR_ABORTED", `waiting for "${String(event)}" was aborted`));
        return;
      }
      const finish = (): void => {
        off();
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const off = this.on(event, (value) => {
        if (filter === undefined || filter(value)) {
          finish();
          resolve(value);
        }
      });
      const timer = setTimeout(() => {
        finish();
        reject(
          new FoxgloveError("ERR_TIMEOUT", `no "${String(event)}" event within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const onAbort = (): void => {
        finish();
        reject(new FoxgloveError("ERR_ABORTED", `waiting for "${String(event)}" was aborted`));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
