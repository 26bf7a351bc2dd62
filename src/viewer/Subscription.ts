import { Feed } from "./Feed.js";
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
export class Subscription extends Feed<ViewerMessage> {
  /** What this subscription follows. */
  readonly target: SubscriptionTarget;
  readonly #onUnsubscribe: (sub: Subscription) => void;
  readonly #channels = new Map<number, ViewerChannel>();
  #lost = 0;

  /** @internal Created by the viewer. */
  constructor(
    target: SubscriptionTarget,
    options: SubscribeOptions,
    onUnsubscribe: (sub: Subscription) => void,
  ) {
    super({
      queueSize: options.queueSize ?? DEFAULT_SUBSCRIPTION_QUEUE_SIZE,
      overflow: options.overflow ?? "dropOldest",
      callback: options.onMessage,
      callbackName: "onMessage",
    });
    this.target = target;
    this.#onUnsubscribe = onUnsubscribe;
  }

  /** The channels currently delivering to this subscription, in id order. */
  get channels(): ViewerChannel[] {
    return [...this.#channels.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Data-track frames known lost in transit (gaps in the frames' sequence numbers) while this
   * subscription was bound to the channel. An estimate: losses before the first frame are unseen.
   */
  get lost(): number {
    return this.#lost;
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

  /** @internal Counts frames lost in transit. */
  noteLost(count: number): void {
    this.#lost += count;
  }

  /** @internal Ends the subscription: buffered messages can still be read, then iteration ends. */
  override end(): void {
    super.end();
    this.#channels.clear();
  }

  /** The viewer unsubscribes at the device when nobody else needs the channel. */
  protected released(): void {
    this.#onUnsubscribe(this);
  }
}
