import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * How a {@link PendingRequests} table words its failures for one kind of request; `context` is
 * what the request was started with (e.g. the service called).
 */
export interface PendingRequestErrors<C> {
  /** No answer within `timeoutMs`. */
  timeout(timeoutMs: number, context: C): Error;
  /** The caller's signal aborted. */
  aborted(context: C): Error;
  /** More than the table's limit would be in flight. */
  tooMany(limit: number, context: C): Error;
}

/** Per-request options of {@link PendingRequests.start}. */
export interface PendingRequestOptions {
  /** Time allowed for the answer, ms (> 0). */
  timeoutMs: number;
  /** Aborting it rejects the request at once. */
  signal?: AbortSignal | undefined;
}

interface Entry<T, C> {
  readonly context: C;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

/**
 * Requests waiting for their answer, correlated by a key the table allocates (u32 call ids,
 * request ids). Each request settles exactly once: with its answer ({@link settle}), its failure
 * ({@link fail}), a timeout, an abort, or {@link failAll} (disconnect, reset). At most `limit`
 * are in flight; starting one more rejects at once, so memory stays bounded. Late answers for
 * keys no longer pending are reported as unmatched (false) and dropped.
 */
export class PendingRequests<T, C> {
  readonly #entries = new Map<number, Entry<T, C>>();
  readonly #limit: number;
  readonly #errors: PendingRequestErrors<C>;
  #nextKey = 1;

  /**
   * `limit`: most requests in flight (the spec's per-viewer limit is 32); `firstKey`: the first
   * key handed out (default 1; tests start near the end of the u32 range).
   */
  constructor(limit: number, errors: PendingRequestErrors<C>, firstKey = 1) {
    this.#limit = limit;
    this.#errors = errors;
    this.#nextKey = firstKey;
  }

  /** Requests waiting for an answer. */
  get size(): number {
    return this.#entries.size;
  }

  /** The context of pending request `key` (undefined when it is not pending). */
  context(key: number): C | undefined {
    return this.#entries.get(key)?.context;
  }

  /**
   * Starts a request: allocates a key unique among pending ones (1 ..= 2^32 − 1, wrapping), calls
   * `send(key)` to put it on the wire, and returns the key (0 when nothing was sent) with a
   * promise of the answer. A `send` that throws rejects the promise (nothing stays pending).
   * Throws nothing.
   */
  start(
    context: C,
    options: PendingRequestOptions,
    send: (key: number) => void,
  ): { key: number; answer: Promise<T> } {
    const signal = options.signal;
    if (signal?.aborted === true) {
      return { key: 0, answer: Promise.reject(this.#errors.aborted(context)) };
    }
    if (this.#entries.size >= this.#limit) {
      return { key: 0, answer: Promise.reject(this.#errors.tooMany(this.#limit, context)) };
    }
    const key = this.#allocate();
    const answer = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(key, this.#errors.timeout(options.timeoutMs, context)),
        options.timeoutMs,
      );
      const onAbort = () => this.fail(key, this.#errors.aborted(context));
      signal?.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.#entries.set(key, { context, resolve, reject, cleanup });
    });
    try {
      send(key);
    } catch (error) {
      this.fail(key, error instanceof Error ? error : new FoxgloveError("ERR_IO", String(error)));
    }
    return { key, answer };
  }

  /** Resolves request `key` with `value`; false when it is not pending (late or unknown). */
  settle(key: number, value: T): boolean {
    const entry = this.#take(key);
    entry?.resolve(value);
    return entry !== undefined;
  }

  /** Rejects request `key` with `error`; false when it is not pending. */
  fail(key: number, error: unknown): boolean {
    const entry = this.#take(key);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every pending request with `error(context)`. */
  failAll(error: (context: C) => unknown): void {
    for (const [key, entry] of [...this.#entries]) {
      this.fail(key, error(entry.context));
    }
  }

  #take(key: number): Entry<T, C> | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      entry.cleanup();
    }
    return entry;
  }

  #allocate(): number {
    // At most `limit` keys are taken, so this finds a free one within limit + 1 steps.
    for (;;) {
      const key = this.#nextKey;
      this.#nextKey = key >= 0xffff_ffff ? 1 : key + 1;
      if (!this.#entries.has(key)) {
        return key;
      }
    }
  }
}

/** Options of the viewer's requests: `getParameters`, `setParameters`, `fetchAsset`. */
export interface RequestOptions {
  /** Time allowed for the answer, ms (default 10 000 for parameters, 30 000 for assets). */
  timeoutMs?: number;
  /** Aborting it rejects the request at once (`ERR_ABORTED`). */
  signal?: AbortSignal;
}

/** Most requests of one kind in flight per viewer: the device's per-viewer limit (spec 5.5). */
export const MAX_REQUESTS_IN_FLIGHT = 32;

/** `timeoutMs` when it is a number > 0; else throws FoxgloveError `ERR_VALUE`. */
export function checkTimeout(ms: number): number {
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new FoxgloveError("ERR_VALUE", `timeoutMs must be a number > 0, got ${ms}`);
  }
  return ms;
}

/**
 * The plain FoxgloveError failures of a request table whose context names the request (`ERR_TIMEOUT`,
 * `ERR_ABORTED`, `ERR_TOO_MANY_REQUESTS`), e.g. `parameters get: no answer within 10000 ms`.
 */
export function requestErrors(kind: string): PendingRequestErrors<string> {
  return {
    timeout: (ms, what) =>
      new FoxgloveError("ERR_TIMEOUT", `${kind} ${what}: no answer within ${ms} ms`),
    aborted: (what) => new FoxgloveError("ERR_ABORTED", `${kind} ${what} aborted`),
    tooMany: (n, what) =>
      new FoxgloveError(
        "ERR_TOO_MANY_REQUESTS",
        `${kind} ${what}: ${n} requests already in flight`,
      ),
  };
}
