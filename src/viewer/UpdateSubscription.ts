import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { AsyncQueue } from "../livekit/AsyncQueue.js";

/** Options of `Viewer.subscribeParameterUpdates` and `Viewer.subscribeConnectionGraph`. */
export interface UpdateSubscriptionOptions<T> {
  /**
   * Updates buffered while the consumer is busy (default 64). When full, the oldest update is
   * dropped and counted in {@link UpdateSubscription.dropped}.
   */
  queueSize?: number;
  /**
   * Callback form: each update is passed to it as it arrives; nothing is buffered and the
   * subscription cannot be iterated. Exceptions are caught and logged.
   */
  onUpdate?: (update: T) => void;
  /** Aborting it unsubscribes. */
  signal?: AbortSignal;
}

/** Default {@link UpdateSubscriptionOptions.queueSize}. */
export const DEFAULT_UPDATE_QUEUE_SIZE = 64;

/**
 * A subscription to updates pushed by the device: parameter values (`Parameter[]` batches) or
 * the connection graph (full `ConnectionGraph` snapshots). Read with `for await`, or pass
 * `onUpdate`. It ends after {@link unsubscribe} (also `using`/`await using`, `break`, or the
 * signal) and when the viewer closes. It survives device resets: the viewer subscribes again.
 * Buffering is bounded (see {@link UpdateSubscriptionOptions.queueSize}).
 */
export class UpdateSubscription<T> implements AsyncIterable<T>, AsyncDisposable, Disposable {
  readonly #queue: AsyncQueue<T> | undefined;
  readonly #onUpdate: ((update: T) => void) | undefined;
  readonly #onUnsubscribe: (sub: UpdateSubscription<T>) => void;
  #received = 0;
  #active = true;

  /** @internal Created by the viewer. */
  constructor(
    options: UpdateSubscriptionOptions<T>,
    onUnsubscribe: (sub: UpdateSubscription<T>) => void,
  ) {
    this.#onUnsubscribe = onUnsubscribe;
    this.#onUpdate = options.onUpdate;
    if (this.#onUpdate === undefined) {
      const size = options.queueSize ?? DEFAULT_UPDATE_QUEUE_SIZE;
      if (!Number.isInteger(size) || size < 1) {
        throw new FoxgloveError("ERR_VALUE", `queueSize must be an integer >= 1, got ${size}`);
      }
      this.#queue = new AsyncQueue(size, "dropOldest");
    }
    const signal = options.signal;
    if (signal?.aborted === true) {
      this.#active = false;
      this.#queue?.end();
    } else {
      signal?.addEventListener("abort", () => this.unsubscribe(), { once: true });
    }
  }

  /** False once unsubscribed or ended. */
  get active(): boolean {
    return this.#active;
  }

  /** Updates that arrived (including dropped ones). */
  get received(): number {
    return this.#received;
  }

  /** Updates dropped because the buffer was full. */
  get dropped(): number {
    return this.#queue?.dropped ?? 0;
  }

  /** Stops the subscription; the viewer unsubscribes at the device when nobody else needs it. */
  unsubscribe(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#queue?.clear();
    this.#onUnsubscribe(this);
  }

  /** Same as {@link unsubscribe}. */
  [Symbol.dispose](): void {
    this.unsubscribe();
  }

  /** Same as {@link unsubscribe}. */
  [Symbol.asyncDispose](): Promise<void> {
    this.unsubscribe();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const queue = this.#queue;
    if (queue === undefined) {
      throw new FoxgloveError("ERR_VALUE", "a subscription with onUpdate cannot be iterated");
    }
    return {
      next: () => queue.next(),
      return: () => {
        this.unsubscribe();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** @internal Hands over one update. */
  deliver(update: T): void {
    if (!this.#active) {
      return;
    }
    this.#received += 1;
    if (this.#queue !== undefined) {
      this.#queue.push(update);
      return;
    }
    try {
      this.#onUpdate?.(update);
    } catch (error) {
      log.error("update subscription onUpdate callback threw:", error);
    }
  }

  /** @internal Ends the subscription (viewer closed): buffered updates can still be read. */
  end(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#queue?.end();
  }
}
