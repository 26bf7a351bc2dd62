import { FoxgloveError } from "../FoxgloveError.js";

/** Options of {@link SerialQueue}. */
export interface SerialQueueOptions {
  /** Most items waiting to run (>= 1). Default: no limit. */
  maxItems?: number;
  /** Most bytes waiting to run, as declared by each `push`. Default: no limit. */
  maxBytes?: number;
  /** Told once, with the error, when a run fails (the queue has failed then). Default: none. */
  onError?: (error: Error) => void;
}

interface Waiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * A bounded FIFO of work run one item at a time, in push order, by one async function: the bridge
 * between a synchronous producer (`Sink.log`) and an output that must be awaited call by call
 * (a file, a socket). `push` never blocks: it refuses an item when the queue is full, closed or
 * failed, and counts refusals in {@link SerialQueue.refused}. Items must own their data (copy
 * what the caller may reuse).
 *
 * When `run` throws or rejects, the queue fails: waiting items are discarded, later pushes are
 * refused, and {@link flush} / {@link close} reject with that error.
 */
export class SerialQueue<T> {
  readonly #run: (item: T) => void | Promise<void>;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  readonly #onError: ((error: Error) => void) | undefined;
  #items: { item: T; bytes: number }[] = [];
  #head = 0;
  #bytes = 0;
  #pushed = 0;
  #done = 0;
  #refused = 0;
  #running = false;
  #closed = false;
  #error: Error | undefined;
  #waiters: Waiter[] = [];

  /**
   * `run` is called with each item after the previous call settled.
   * @throws {FoxgloveError} `ERR_VALUE` for a limit that is not a number >= 1
   */
  constructor(run: (item: T) => void | Promise<void>, options: SerialQueueOptions = {}) {
    this.#run = run;
    this.#maxItems = limit("maxItems", options.maxItems);
    this.#maxBytes = limit("maxBytes", options.maxBytes);
    this.#onError = options.onError;
  }

  /** Items waiting to run (not counting one that is running). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True when nothing is waiting or running: work done now would not overtake queued work. */
  get idle(): boolean {
    return !this.#running && this.#head >= this.#items.length;
  }

  /** Bytes waiting to run, as declared by `push`. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Pushes refused because the queue was full, closed or failed. */
  get refused(): number {
    return this.#refused;
  }

  /** The error that failed the queue, if one did. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** True once {@link close} was called or the queue failed. */
  get closed(): boolean {
    return this.#closed || this.#error !== undefined;
  }

  /**
   * Queues `item` (of `bytes` bytes, counted against `maxBytes`). Returns false, and drops the
   * item, when it would exceed a limit or the queue is closed or failed. An item alone larger
   * than `maxBytes` is accepted into an empty queue, so that nothing is impossible to write.
   */
  push(item: T, bytes = 0): boolean {
    if (
      this.closed ||
      this.size >= this.#maxItems ||
      (this.#bytes + bytes > this.#maxBytes && this.size > 0)
    ) {
      this.#refused += 1;
      return false;
    }
    this.#items.push({ item, bytes });
    this.#bytes += bytes;
    this.#pushed += 1;
    if (!this.#running) {
      this.#running = true;
      void this.#drain();
    }
    return true;
  }

  /**
   * Resolves once every item pushed before the call has run; rejects with the queue's error if
   * it failed first.
   */
  flush(): Promise<void> {
    if (this.#error !== undefined) {
      return Promise.reject(this.#error);
    }
    if (this.#done >= this.#pushed) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ upTo: this.#pushed, resolve, reject });
    });
  }

  /** Refuses further pushes and resolves once the waiting items have run (see {@link flush}). */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  /** Closes the queue and discards the waiting items (a running one completes). */
  clear(): void {
    this.#closed = true;
    this.#discard();
    this.#settle();
  }

  async #drain(): Promise<void> {
    // Start on a later tick, so that `push` never runs an item inside the producer's call.
    await Promise.resolve();
    while (this.#head < this.#items.length && this.#error === undefined) {
      const { item, bytes } = this.#items[this.#head]!;
      this.#items[this.#head] = undefined as never;
      this.#head += 1;
      if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      try {
        const result = this.#run(item);
        if (result instanceof Promise) {
          await result;
        }
      } catch (error) {
        this.#fail(error);
        break;
      }
      this.#bytes -= bytes;
      this.#done += 1;
      this.#settle();
    }
    this.#running = false;
  }

  #fail(error: unknown): void {
    this.#error =
      error instanceof Error
        ? error
        : new FoxgloveError("ERR_IO", `queued work failed: ${String(error)}`);
    this.#discard();
    this.#settle();
    try {
      this.#onError?.(this.#error);
    } catch {
      // the owner's handler must not break the queue
    }
  }

  #discard(): void {
    const discarded = this.#items.length - this.#head;
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    // Discarded items count as done, so that flush() waiters do not wait forever.
    this.#done += discarded;
  }

  #settle(): void {
    if (this.#waiters.length === 0) {
      return;
    }
    const error = this.#error;
    const ready = this.#waiters.filter((w) => error !== undefined || w.upTo <= this.#done);
    if (ready.length === 0) {
      return;
    }
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) {
      if (error === undefined) {
        waiter.resolve();
      } else {
        waiter.reject(error);
      }
    }
  }
}

function limit(name: string, value: number | undefined): number {
  if (value === undefined) {
    return Infinity;
  }
  if (typeof value !== "number" || !(value >= 1)) {
    throw new FoxgloveError("ERR_VALUE", `${name} must be a number >= 1, got ${String(value)}`);
  }
  return value;
}
