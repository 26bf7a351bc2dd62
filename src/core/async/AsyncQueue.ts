import { FoxgloveError } from "../FoxgloveError.js";

/** What {@link AsyncQueue.push} does when the queue is full. */
export type OverflowPolicy = "dropOldest" | "dropNewest";

/**
 * A bounded FIFO that one consumer drains with `for await` or {@link AsyncQueue.next}. Pushing is
 * synchronous and never blocks: when full, the oldest (default) or the new item is dropped and
 * counted in {@link AsyncQueue.dropped}. {@link AsyncQueue.end} finishes the iteration after the
 * queued items; {@link AsyncQueue.fail} makes the next read throw.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  readonly #policy: OverflowPolicy;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #ended = false;
  #error: Error | undefined = undefined;
  #dropped = 0;

  /** `capacity` is the most items held (>= 1); `policy` defaults to "dropOldest". */
  constructor(capacity: number, policy: OverflowPolicy = "dropOldest") {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `queue capacity must be an integer >= 1, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
    this.#policy = policy;
  }

  /** Items waiting to be read. */
  get size(): number {
    return this.#items.length;
  }

  /** True when the next push would drop an item. */
  get full(): boolean {
    return this.#items.length >= this.#capacity;
  }

  /** Items dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once {@link end} or {@link fail} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Adds an item; returns false when it (or an older one) was dropped or the queue has ended. */
  push(item: T): boolean {
    if (this.#ended) {
      return false;
    }
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ done: false, value: item });
      return true;
    }
    if (this.#items.length < this.#capacity) {
      this.#items.push(item);
      return true;
    }
    this.#dropped += 1;
    if (this.#policy === "dropOldest") {
      this.#items.shift();
      this.#items.push(item);
    }
    return false;
  }

  /** Ends the queue: reads return the remaining items, then `done`. */
  end(): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve({ done: true, value: undefined });
  }

  /** Ends the queue with an error: reads return the remaining items, then throw `error`. */
  fail(error: unknown): void {
    if (this.#ended) {
      return;
    }
    this.#error =
      error instanceof Error
        ? error
        : new FoxgloveError("ERR_IO", `queue failed: ${String(error)}`);
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#error);
  }

  /** Ends the queue and discards queued items. */
  clear(): void {
    this.#items.length = 0;
    this.end();
  }

  /** The next item; waits while the queue is empty. Only one read may be pending at a time. */
  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ done: false, value: this.#items.shift() as T });
    }
    if (this.#ended) {
      return this.#error === undefined
        ? Promise.resolve({ done: true, value: undefined })
        : Promise.reject(this.#error);
    }
    if (this.#waiter !== undefined) {
      return Promise.reject(new FoxgloveError("ERR_VALUE", "AsyncQueue supports one reader"));
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.clear();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
