import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { AsyncQueue, type OverflowPolicy } from "../core/async/AsyncQueue.js";

/** How a {@link Feed} buffers or hands over its items, resolved by the subclass. */
export interface FeedSettings<T> {
  /** Items buffered while the consumer is busy (an integer >= 1). */
  readonly queueSize: number;
  /** Which item a full buffer drops. */
  readonly overflow: OverflowPolicy;
  /** Callback form: each item is passed to it as it arrives; nothing is buffered. */
  readonly callback: ((item: T) => void) | undefined;
  /** The callback's option name, for errors (e.g. `onMessage`). */
  readonly callbackName: string;
}

/**
 * What the viewer's subscriptions share: items delivered by the viewer, read with `for await`
 * from a bounded buffer (the overflow policy drops and counts) or passed to a callback, ended by
 * `unsubscribe()`, `using`/`await using`, `break`, or the viewer. Subclasses say what the items
 * are ({@link Subscription}: channel messages; {@link UpdateSubscription}: device pushes;
 * {@link VideoFrameSubscription}: decoded video frames).
 */
export abstract class Feed<T> implements AsyncIterable<T>, AsyncDisposable, Disposable {
  readonly #queue: AsyncQueue<T> | undefined;
  readonly #callback: ((item: T) => void) | undefined;
  readonly #callbackName: string;
  #received = 0;
  #active = true;

  /** Throws FoxgloveError `ERR_VALUE` for a bad queue size. */
  protected constructor(settings: FeedSettings<T>) {
    this.#callback = settings.callback;
    this.#callbackName = settings.callbackName;
    if (settings.callback === undefined) {
      const size = settings.queueSize;
      if (!Number.isInteger(size) || size < 1) {
        throw new FoxgloveError("ERR_VALUE", `queueSize must be an integer >= 1, got ${size}`);
      }
      this.#queue = new AsyncQueue(size, settings.overflow);
    }
  }

  /** False once unsubscribed or ended. */
  get active(): boolean {
    return this.#active;
  }

  /** Items that arrived (including ones later dropped). */
  get received(): number {
    return this.#received;
  }

  /** Items dropped because the buffer was full. */
  get dropped(): number {
    return this.#queue?.dropped ?? 0;
  }

  /** Items waiting in the buffer. */
  get pending(): number {
    return this.#queue?.size ?? 0;
  }

  /** Stops the subscription: the buffer is discarded and iteration ends. Idempotent. */
  unsubscribe(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#queue?.clear();
    this.released();
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
      throw new FoxgloveError(
        "ERR_VALUE",
        `a subscription with ${this.#callbackName} cannot be iterated`,
      );
    }
    return {
      next: () => queue.next(),
      return: () => {
        this.unsubscribe();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** @internal Hands over one item. */
  deliver(item: T): void {
    if (!this.#active) {
      return;
    }
    this.#received += 1;
    if (this.#queue !== undefined) {
      this.#queue.push(item);
      return;
    }
    try {
      this.#callback?.(item);
    } catch (error) {
      log.error(`subscription ${this.#callbackName} callback threw:`, error);
    }
  }

  /**
   * @internal Ends the subscription: buffered items can still be read, then iteration ends, or
   * throws `error` if given.
   */
  end(error?: FoxgloveError): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    if (error === undefined) {
      this.#queue?.end();
    } else {
      this.#queue?.fail(error);
    }
  }

  /** Called once when the consumer unsubscribes (not when the viewer ends it). */
  protected abstract released(): void;
}
