import type { ChannelDescriptor, ChannelId } from "./ChannelDescriptor.js";
import type { Encoder } from "./Encoder.js";
import type { RawChannel } from "./RawChannel.js";

/** A sink's id: process-wide, from 1; allocate one with `nextSinkId()`. */
export type SinkId = number;

/** What a sink receives with each message. */
export interface Metadata {
  /** When the message was logged, in nanoseconds since the Unix epoch. */
  readonly logTime: bigint;
}

/**
 * Decides whether a sink sees a channel at all. Called once per sink and channel when either is
 * added to a context; a channel for which it returns false (or throws) is never announced to that
 * sink and never delivered to it.
 */
export type SinkChannelFilter = (channel: ChannelDescriptor) => boolean;

/**
 * A destination for logged messages (an MCAP file, a WebSocket server, a gateway session, a test
 * recorder). Register it with `Context.addSink`.
 *
 * Every callback is called synchronously; an exception from any of them is caught and reported
 * through the SDK logger and never reaches the code that logged.
 */
export interface Sink {
  /** Unique id; use `nextSinkId()`. */
  readonly id: SinkId;
  /**
   * `true` (default): the sink is subscribed to every channel it can see, now and later.
   * `false`: the sink manages its subscriptions, by returning ids from {@link Sink.addChannels}
   * and calling `Context.subscribeChannels` / `unsubscribeChannels`.
   */
  readonly autoSubscribe?: boolean;
  /** Restricts which channels this sink sees; read once when the sink is added. Default: all. */
  readonly channelFilter?: SinkChannelFilter;
  /**
   * Receives one message of a subscribed channel. `data` belongs to the caller: copy it if it
   * must outlive the call.
   *
   * Must not return a promise (no `async log`): messages would interleave at each `await` and
   * nobody would wait for them. A sink whose output is asynchronous copies the data at once and
   * hands the I/O to a bounded queue drained by one writer (`SerialQueue` in `src/core/async/`;
   * `McapWriter` in `src/mcap/` and the WebSocket server's clients are the examples).
   */
  log(channel: RawChannel, data: Uint8Array, metadata: Metadata): void;
  /**
   * Optional: offered each message of a typed channel (`Channel.log`, `log()` with an encoder)
   * before it is encoded, with the encoder that would encode it. Return true when the sink has
   * taken the message: {@link Sink.log} is then not called for it, and the message is not encoded
   * at all unless another sink needs its bytes (a gateway whose only subscribers of a camera are
   * video viewers converts the image without encoding it). Return false, having done nothing, to
   * receive it through {@link Sink.log} as usual. `message` belongs to the caller: copy what must
   * outlive the call. An exception counts as a failed delivery (reported, not retried as bytes).
   */
  logMessage?(
    channel: RawChannel,
    message: unknown,
    encoder: Encoder<unknown>,
    metadata: Metadata,
  ): boolean;
  /**
   * Announces channels: all visible existing channels when the sink is added, then each new
   * one. A sink with `autoSubscribe: false` returns the ids it wants subscribed right away
   * (instead of calling `subscribeChannels` from inside this callback).
   */
  addChannels?(channels: readonly RawChannel[]): readonly ChannelId[] | undefined | void;
  /** Announces that a channel was closed; its subscriptions are already gone. */
  removeChannel?(channel: RawChannel): void;
}
