import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { AsyncQueue } from "../core/async/AsyncQueue.js";
import type { ViewerChannel } from "./ViewerChannel.js";
import type { ViewerMessage } from "./ViewerMessage.js";

/** What a subscription follows: every channel on a topic, or one channel id. */
export type SubscriptionTarget =
  | { readonly kind: "topic"; readonly topic: string }
  | { readonly kind: "channel"; readonly id: number };

/** Options of `Viewer.subscribe`. */
export interface SubscribeOptions {
  /**
   * Messages buffered while the consumer is busy (default 1024). When the buffer is full, the
   * `overflow` policy drops a message and counts it in {@link Subscription.dropped}.
   */
  queueSize?: number;
  /** Which message a full buffer drops: `"dropOldest"` (default) or `"dropNewest"`. */
  overflow?: "dropOldest" | "dropNewest";
  /**
   * Callback form: each message is passed to `onMessage` as it arrives (nothing is buffered, and
   * the subscription cannot also be iterated). Exceptions are caught and logged.
   */
  onMessage?: (message: ViewerMessage) => void;
  /** Aborting it unsubscribes. */
  signal?: AbortSignal;
}

/** Default {@link SubscribeOptions.queueSize}. */
export const DEFAULT_SUBSCRIPTION_QUEUE_SIZE = 1024;

/**
 * A subscription to a topic or a channel, returned by `Viewer.subscribe`. Read its messages with
 * `for await (const m of sub)` (or pass `onMessage`). Iteration ends after {@link unsubscribe},
 * when the viewer closes, or when a channel subscription's channel is unadvertised.
 *
 * A topic subscription follows the topic: it receives every channel advertised on it, now or
 * later, and survives device resets. A channel subscription ends when that channel goes away.
 *
 * Buffering is bounded (see {@link SubscribeOptions.queueSize}): a consumer that falls behind
 * loses messages (counted in {@link dropped}) instead of growing memory, whatever the channel's
 * reliability.
 */
export class Subscription implements AsyncIterable<ViewerMessage>, AsyncDisposable {
  /** What this subscription follows. */
  readonly target: SubscriptionTarget;
  readonly #queue: AsyncQueue<ViewerMessage> | undefined;
  readonly #onMessage: ((message: ViewerMessage) => void) | undefined;
  readonly #onUnsubscribe: (sub: Subscription) => void;
  readonly #channels = new Map<number, ViewerChannel>();
  #received = 0;
  #lost = 0;
  #active = true;

  /** @internal Created by the viewer. */
  constructor(
    target: SubscriptionTarget,
    options: SubscribeOptions,
    onUnsubscribe: (sub: Subscription) => void,
  ) {
    this.target = target;
    this.#onUnsubscribe = onUnsubscribe;
    this.#onMessage = options.onMessage;
    if (options.onMessage === undefined) {
      const size = options.queueSize ?? DEFAULT_SUBSCRIPTION_QUEUE_SIZE;
      if (!Number.isInteger(size) || size < 1) {
        throw new FoxgloveError("ERR_VALUE", `queueSize must be an integer >= 1, got ${size}`);
      }
      this.#queue = new AsyncQueue(size, options.overflow ?? "dropOldest");
    }
  }

  /** The channels currently delivering to this subscription, in id order. */
  get channels(): ViewerChannel[] {
    return [...this.#channels.values()].sort((a, b) => a.id - b.id);
  }

  /** False once unsubscribed or ended. */
  get active(): boolean {
    return this.#active;
  }

  /** Messages that arrived for this subscription (including ones later dropped). */
  get received(): number {
    return this.#received;
  }

  /** Messages dropped because the buffer was full. */
  get dropped(): number {
    return this.#queue?.dropped ?? 0;
  }

  /**
   * Data-track frames known lost in transit (gaps in the frames' sequence numbers) while this
   * subscription was bound to the channel. An estimate: losses before the first frame are unseen.
   */
  get lost(): number {
    return this.#lost;
  }

  /** Messages waiting in the buffer. */
  get pending(): number {
    return this.#queue?.size ?? 0;
  }

  /** Stops the subscription; the viewer unsubscribes at the device when nobody else needs the channel. */
  unsubscribe(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#queue?.clear();
    this.#onUnsubscribe(this);
  }

  /** Same as {@link unsubscribe}. */
  [Symbol.asyncDispose](): Promise<void> {
    this.unsubscribe();
    return Promise.resolve();
  }

  /** Same as {@link unsubscribe}. */
  [Symbol.dispose](): void {
    this.unsubscribe();
  }

  [Symbol.asyncIterator](): AsyncIterator<ViewerMessage> {
    const queue = this.#queue;
    if (queue === undefined) {
      throw new FoxgloveError("ERR_VALUE", "a subscription with onMessage cannot be iterated");
    }
    return {
      next: () => queue.next(),
      return: () => {
        this.unsubscribe();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** @internal True when this subscription wants messages of `channel`. */
  matches(channel: ViewerChannel): boolean {
    return this.target.kind === "topic"
      ? this.target.topic === channel.topic
      : this.target.id === channel.id;
  }

  /** @internal The channel (or its new description) now delivers to this subscription. */
  bind(channel: ViewerChannel): void {
    this.#channels.set(channel.id, channel);
  }

  /** @internal The channel no longer delivers here (gone, or a reset). */
  unbind(channelId: number): void {
    this.#channels.delete(channelId);
  }

  /** @internal Hands over one message. */
  deliver(message: ViewerMessage): void {
    if (!this.#active) {
      return;
    }
    this.#received += 1;
    if (this.#queue !== undefined) {
      this.#queue.push(message);
      return;
    }
    try {
      this.#onMessage?.(message);
    } catch (error) {
      log.error("subscription onMessage callback threw:", error);
    }
  }

  /** @internal Counts frames lost in transit. */
  noteLost(count: number): void {
    this.#lost += count;
  }

  /** @internal Ends the subscription: buffered messages can still be read, then iteration ends. */
  end(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#channels.clear();
    this.#queue?.end();
  }
}
