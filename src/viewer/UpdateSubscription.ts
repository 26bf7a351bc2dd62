import { Feed } from "./Feed.js";

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
export class UpdateSubscription<T> extends Feed<T> {
  readonly #onUnsubscribe: (sub: UpdateSubscription<T>) => void;

  /** @internal Created by the viewer. Throws FoxgloveError `ERR_VALUE` for a bad queue size. */
  constructor(
    options: UpdateSubscriptionOptions<T>,
    onUnsubscribe: (sub: UpdateSubscription<T>) => void,
  ) {
    super({
      queueSize: options.queueSize ?? DEFAULT_UPDATE_QUEUE_SIZE,
      overflow: "dropOldest",
      callback: options.onUpdate,
      callbackName: "onUpdate",
    });
    this.#onUnsubscribe = onUnsubscribe;
    const signal = options.signal;
    if (signal?.aborted === true) {
      this.end();
    } else {
      signal?.addEventListener("abort", () => this.unsubscribe(), { once: true });
    }
  }

  /** The viewer unsubscribes at the device when nobody else needs it. */
  protected released(): void {
    this.#onUnsubscribe(this);
  }
}
