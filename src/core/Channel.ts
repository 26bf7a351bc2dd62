import type { ChannelDescriptor, ChannelId } from "./ChannelDescriptor.js";
import type { Encoder } from "./Encoder.js";
import { FoxgloveError } from "./FoxgloveError.js";
import { LOG_MESSAGE, WARN_IF_CLOSED } from "./internal.js";
import { log } from "./logger.js";
import { RawChannel, type ChannelOptions, type LogOptions } from "./RawChannel.js";
import type { Schema } from "./Schema.js";
import { Throttler } from "./Throttler.js";

/** Options of `Channel<T>`. */
export interface TypedChannelOptions<T> extends ChannelOptions {
  /** Encodes each message; also gives the channel its message encoding and schema. Required. */
  encoder: Encoder<T>;
}

/**
 * A channel of messages of type `T`, encoded by an {@link Encoder}. `log()` encodes only when a
 * sink is subscribed, is synchronous and never throws.
 *
 * The underlying {@link RawChannel} is shared with any equal channel of the same context (see
 * {@link RawChannel}).
 */
export class Channel<T> implements ChannelDescriptor, Disposable {
  /** The underlying channel of encoded messages. */
  readonly raw: RawChannel;
  /** The encoder used by `log()`. */
  readonly encoder: Encoder<T>;
  readonly #encodeWarning = new Throttler(10_000);

  /**
   * Creates (or joins an equal) channel on `topic`.
   * @throws {FoxgloveError} `ERR_VALUE` without an encoder; as {@link RawChannel}'s constructor
   */
  constructor(topic: string, options: TypedChannelOptions<T>) {
    const { encoder, ...rest } = options;
    // A JavaScript caller may leave it out; say what to pass rather than fail inside.
    if (typeof (encoder as Encoder<T> | undefined)?.encode !== "function") {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${topic}: options.encoder is required (e.g. jsonEncoder() or a message type ` +
          `from foxglove-remote/messages; log(topic, message) makes a JSON channel by itself)`,
      );
    }
    this.encoder = encoder;
    this.raw = new RawChannel(topic, {
      ...rest,
      messageEncoding: encoder.messageEncoding,
      ...(encoder.schema === undefined ? {} : { schema: encoder.schema }),
    });
  }

  /** Process-wide unique id, from 1. */
  get id(): ChannelId {
    return this.raw.id;
  }

  /** The topic name. */
  get topic(): string {
    return this.raw.topic;
  }

  /** How messages are encoded. */
  get messageEncoding(): string {
    return this.raw.messageEncoding;
  }

  /** The messages' schema, if any. */
  get schema(): Schema | undefined {
    return this.raw.schema;
  }

  /** Key/value strings attached to the channel. */
  get metadata(): Readonly<Record<string, string>> {
    return this.raw.metadata;
  }

  /** True once the channel was closed. */
  get closed(): boolean {
    return this.raw.closed;
  }

  /** True if at least one sink is subscribed. */
  hasSinks(): boolean {
    return this.raw.hasSinks();
  }

  /**
   * Encodes and logs one message if a sink is subscribed; otherwise returns at once without
   * encoding. A sink may take the message as is (see `Sink.logMessage`): it is encoded only if
   * another sink needs the bytes. Never throws: an encoding failure is logged (throttled) and the
   * message dropped.
   */
  log(message: T, options?: LogOptions): void {
    const raw = this.raw;
    if (!raw.hasSinks()) {
      if (raw.closed) {
        raw[WARN_IF_CLOSED]();
      }
      return;
    }
    try {
      // Sinks never throw through here: whatever is caught comes from the encoder.
      raw[LOG_MESSAGE](message, this.encoder, options);
    } catch (error) {
      const suppressed = this.#encodeWarning.tryAcquire();
      if (suppressed !== undefined) {
        const note = suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : "";
        log.warn(
          new FoxgloveError("ERR_ENCODE", `cannot encode a message for ${raw.topic}${note}`, {
            cause: error,
          }),
        );
      }
    }
  }

  /** Closes the underlying channel. Idempotent. */
  close(): void {
    this.raw.close();
  }

  /** Same as {@link Channel.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
