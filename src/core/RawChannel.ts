import type { ChannelDescriptor, ChannelId } from "./ChannelDescriptor.js";
import { Context } from "./Context.js";
import { encodeTransient, type Encoder } from "./Encoder.js";
import { FoxgloveError } from "./FoxgloveError.js";
import { nextChannelId } from "./ids.js";
import {
  ADD_CHANNEL,
  FIND_MATCHING,
  LOG_MESSAGE,
  MARK_CLOSED,
  NOTIFY_LISTENERS,
  REMOVE_CHANNEL,
  SET_SINKS,
  WARN_IF_CLOSED,
} from "./internal.js";
import { log } from "./logger.js";
import { isSchema, type Schema } from "./Schema.js";
import type { Metadata, Sink, SinkId } from "./Sink.js";
import { Throttler } from "./Throttler.js";
import { nowNanos, toNanos, type TimeLike } from "./time.js";

/** How often a repeated warning about one channel may be logged, in milliseconds. */
const WARN_INTERVAL_MS = 10_000;

/**
 * Observes a channel's subscription state, e.g. to produce data only while someone listens.
 * Called synchronously after the change is complete; exceptions are caught and logged.
 */
export interface ChannelListener {
  /** The channel went from no subscribed sink to at least one. */
  onFirstSubscriber?(channel: RawChannel): void;
  /** The channel lost its last subscribed sink (including when it was closed). */
  onNoSubscribers?(channel: RawChannel): void;
}

/** Options common to {@link RawChannel} and `Channel<T>`. */
export interface ChannelOptions {
  /** The context the channel belongs to. Default: `Context.default()`. */
  context?: Context;
  /** Key/value strings attached to the channel. Default: none. */
  metadata?: Readonly<Record<string, string>>;
  /** Told when the channel gains its first / loses its last subscriber. Default: none. */
  listener?: ChannelListener;
}

/** Options of {@link RawChannel}. */
export interface RawChannelOptions extends ChannelOptions {
  /** How messages are encoded, e.g. `json`, `protobuf`, `ros2msg`, `cdr`. Required. */
  messageEncoding: string;
  /** The messages' schema. Default: none (for schemaless encodings such as `json`). */
  schema?: Schema;
}

/** Per-message options of `log()`. */
export interface LogOptions {
  /** When the message was logged. Default: `nowNanos()` at the call. */
  logTime?: TimeLike;
  /** Deliver only to this sink (if it is subscribed). Default: every subscribed sink. */
  sinkId?: SinkId;
}

const NO_SINKS: readonly Sink[] = Object.freeze([]);

/**
 * A channel of already-encoded messages on a topic. `log()` is synchronous, never throws, and
 * returns at once when no sink is subscribed.
 *
 * Constructing a channel equal to an open one of the same context (same topic, message encoding,
 * schema and metadata) returns that existing channel instead of a new one. A different channel on
 * a topic already in use is created, with a warning: prefer unique topics.
 */
export class RawChannel implements ChannelDescriptor, Disposable {
  /** Process-wide unique id, from 1. */
  readonly id!: ChannelId;
  /** The topic name. */
  readonly topic!: string;
  /** How messages are encoded. */
  readonly messageEncoding!: string;
  /** The messages' schema, if any (frozen). */
  readonly schema!: Schema | undefined;
  /** Key/value strings attached to the channel (frozen). */
  readonly metadata!: Readonly<Record<string, string>>;
  /** The context the channel belongs to. */
  readonly context!: Context;

  #sinks: readonly Sink[] = NO_SINKS;
  /** Some sink of {@link #sinks} takes typed messages (`Sink.logMessage`). */
  #offersMessages = false;
  #closed = false;
  #listeners: ChannelListener[] = [];
  readonly #closedWarning = new Throttler(WARN_INTERVAL_MS);
  readonly #sinkWarning = new Throttler(WARN_INTERVAL_MS);

  /**
   * Creates a channel and adds it to its context (which announces it to the sinks).
   * @throws {FoxgloveError} `ERR_MESSAGE_ENCODING_REQUIRED` without a message encoding;
   *   `ERR_VALUE` for a non-string topic, a malformed schema, or non-string metadata values
   */
  constructor(topic: string, options: RawChannelOptions) {
    if (typeof topic !== "string") {
      throw new FoxgloveError("ERR_VALUE", "a channel topic must be a string");
    }
    const { messageEncoding, schema, listener } = options;
    if (typeof messageEncoding !== "string" || messageEncoding === "") {
      throw new FoxgloveError(
        "ERR_MESSAGE_ENCODING_REQUIRED",
        `channel ${topic} needs a message encoding`,
      );
    }
    if (schema !== undefined && !isSchema(schema)) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${topic}: a schema needs a string name, a string encoding and Uint8Array data`,
      );
    }
    const metadata = copyMetadata(topic, options.metadata);
    const frozenSchema =
      schema === undefined
        ? undefined
        : Object.freeze({ name: schema.name, encoding: schema.encoding, data: schema.data });
    const context = options.context ?? Context.default();

    const existing = context[FIND_MATCHING](topic, messageEncoding, frozenSchema, metadata);
    if (existing !== undefined) {
      if (listener !== undefined) {
        existing.addListener(listener);
      }
      return existing;
    }

    this.id = nextChannelId();
    this.topic = topic;
    this.messageEncoding = messageEncoding;
    this.schema = frozenSchema;
    this.metadata = metadata;
    this.context = context;
    if (listener !== undefined) {
      this.#listeners.push(listener);
    }
    context[ADD_CHANNEL](this);
  }

  /** True once the channel was closed (directly or by closing its context). */
  get closed(): boolean {
    return this.#closed;
  }

  /** True if at least one sink is subscribed to this channel. */
  hasSinks(): boolean {
    return this.#sinks.length > 0;
  }

  /**
   * Logs one encoded message to every subscribed sink, synchronously. Never throws: a failing
   * sink is reported through the SDK logger (throttled) and the other sinks still get the
   * message. On a closed channel this only warns (throttled).
   * @param data the encoded message; sinks must not keep it beyond the call
   */
  log(data: Uint8Array, options?: LogOptions): void {
    const sinks = this.#sinks;
    if (sinks.length === 0) {
      if (this.#closed) {
        this[WARN_IF_CLOSED]();
      }
      return;
    }
    this.#deliver(sinks, data, options);
  }

  /**
   * Adds a subscription-state listener. If the channel already has sinks, no call is made for
   * that: check {@link RawChannel.hasSinks}.
   * @returns a function that removes the listener
   */
  addListener(listener: ChannelListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Closes the channel: sinks are unsubscribed and told (`removeChannel`). Idempotent. */
  close(): void {
    if (!this.#closed) {
      this.context[REMOVE_CHANNEL](this.id);
    }
  }

  /** Same as {@link RawChannel.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  [SET_SINKS](sinks: readonly Sink[]): void {
    this.#sinks = sinks;
    this.#offersMessages = sinks.some((sink) => typeof sink.logMessage === "function");
  }

  /** @internal */
  [MARK_CLOSED](): void {
    this.#closed = true;
    this.#sinks = NO_SINKS;
    this.#offersMessages = false;
  }

  /**
   * @internal Logs a typed message: offered first to the sinks that take typed messages
   * (`Sink.logMessage`), then encoded once, only if some sink still needs the bytes. Sink
   * failures are reported as by {@link log}; throws what the encoder throws.
   */
  [LOG_MESSAGE]<T>(message: T, encoder: Encoder<T>, options: LogOptions | undefined): void {
    const sinks = this.#sinks;
    if (sinks.length === 0) {
      if (this.#closed) {
        this[WARN_IF_CLOSED]();
      }
      return;
    }
    if (!this.#offersMessages) {
      encodeTransient(encoder, message, (data) => this.#deliver(sinks, data, options));
      return;
    }
    const metadata = this.#metadata(options);
    if (metadata === undefined) {
      return;
    }
    const only = options?.sinkId;
    // Sinks that took the message (or failed to), rarely any: no allocation in the common case.
    let done: Sink[] | undefined;
    let needBytes = false;
    for (let i = 0; i < sinks.length; i++) {
      const sink = sinks[i]!;
      if (only !== undefined && sink.id !== only) {
        continue;
      }
      let taken = false;
      if (sink.logMessage !== undefined) {
        try {
          taken = sink.logMessage(this, message, encoder, metadata);
        } catch (error) {
          this.#warnSink(`sink ${sink.id} failed to log on ${this.topic}:`, error);
          taken = true;
        }
      }
      if (taken) {
        (done ??= []).push(sink);
      } else {
        needBytes = true;
      }
    }
    if (needBytes) {
      encodeTransient(encoder, message, (data) => {
        if (this.#checkData(data)) this.#send(sinks, data, metadata, only, done);
      });
    }
  }

  /** @internal */
  [NOTIFY_LISTENERS](subscribed: boolean): void {
    for (const listener of this.#listeners) {
      try {
        if (subscribed) {
          listener.onFirstSubscriber?.(this);
        } else {
          listener.onNoSubscribers?.(this);
        }
      } catch (error) {
        log.warn(`channel listener for ${this.topic} threw:`, error);
      }
    }
  }

  /** @internal */
  [WARN_IF_CLOSED](): void {
    if (this.#closed) {
      const suppressed = this.#closedWarning.tryAcquire();
      if (suppressed !== undefined) {
        log.warn(`cannot log on closed channel ${this.topic}${suppressedNote(suppressed)}`);
      }
    }
  }

  #deliver(sinks: readonly Sink[], data: Uint8Array, options: LogOptions | undefined): void {
    if (!this.#checkData(data)) {
      return;
    }
    const metadata = this.#metadata(options);
    if (metadata !== undefined) {
      this.#send(sinks, data, metadata, options?.sinkId);
    }
  }

  /** True for a Uint8Array; otherwise reports the caller's mistake. */
  #checkData(data: Uint8Array): boolean {
    if (data instanceof Uint8Array) {
      return true;
    }
    this.#warnSink(
      `cannot log on ${this.topic}:`,
      new FoxgloveError("ERR_VALUE", "message data must be a Uint8Array"),
    );
    return false;
  }

  /** The metadata of a message logged with `options`; undefined (reported) for a bad log time. */
  #metadata(options: LogOptions | undefined): Metadata | undefined {
    try {
      const t = options?.logTime;
      return { logTime: t === undefined ? nowNanos() : typeof t === "bigint" ? t : toNanos(t) };
    } catch (error) {
      this.#warnSink(`cannot log on ${this.topic}:`, error);
      return undefined;
    }
  }

  /**
   * Hands `data` to each of `sinks` (only to sink `only` when given, none of `skip`), reporting
   * failures.
   */
  #send(
    sinks: readonly Sink[],
    data: Uint8Array,
    metadata: Metadata,
    only: SinkId | undefined,
    skip?: readonly Sink[],
  ): void {
    // An index loop: for-of allocated an array iterator per message here.
    for (let i = 0; i < sinks.length; i++) {
      const sink = sinks[i]!;
      if ((only !== undefined && sink.id !== only) || skip?.includes(sink) === true) {
        continue;
      }
      try {
        const result: unknown = sink.log(this, data, metadata);
        if (result instanceof Promise) {
          result.catch((error: unknown) => this.#warnSink(`sink ${sink.id} failed:`, error));
        }
      } catch (error) {
        this.#warnSink(`sink ${sink.id} failed to log on ${this.topic}:`, error);
      }
    }
  }

  #warnSink(message: string, error: unknown): void {
    const suppressed = this.#sinkWarning.tryAcquire();
    if (suppressed !== undefined) {
      log.warn(message + suppressedNote(suppressed), error);
    }
  }
}

function suppressedNote(suppressed: number): string {
  return suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : "";
}

function copyMetadata(
  topic: string,
  metadata: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") {
      throw new FoxgloveError(
        "ERR_VALUE",
        `channel ${topic}: metadata value of ${key} must be a string`,
      );
    }
    copy[key] = value;
  }
  return Object.freeze(copy);
}
