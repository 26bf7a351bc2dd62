import { FoxgloveError } from "../core/FoxgloveError.js";
import type { Schema } from "../core/Schema.js";
import { utf8Encode } from "../core/utf8.js";
import { encodeSchemaText, type ClientChannel } from "../protocol/index.js";

/** What `Viewer.advertise` publishes: a client channel (spec 3.3.3). */
export interface AdvertiseOptions {
  /** Topic to publish on, e.g. `/cmd_vel`. */
  topic: string;
  /** Message encoding, e.g. `json`; must be one of the device's `supportedEncodings`. */
  encoding: string;
  /**
   * Schema of the messages. With empty `data` only the name is sent (what the Foxglove app's
   * teleop panel does). Default: no schema.
   */
  schema?: Schema;
}

/** What a {@link ClientPublisher} asks its viewer to do. */
export interface ClientPublisherPort {
  /**
   * Checks the device still allows publishing this encoding, then sends `MessageData`; false
   * when the message was dropped because the control stream is backed up.
   */
  publish(publisher: ClientPublisher, data: Uint8Array): boolean;
  /** Sends `unadvertise` and forgets the channel. */
  unadvertise(publisher: ClientPublisher): void;
}

/**
 * A client channel this viewer advertised with `Viewer.advertise`: messages published on it go
 * to the device on the control stream (spec 4.3.1), in order. The viewer advertises it again
 * after a device reset. Stop it with {@link unadvertise} (or `using`).
 */
export class ClientPublisher implements Disposable, AsyncDisposable {
  /** Client channel id (u32), chosen by the viewer. */
  readonly id: number;
  readonly topic: string;
  readonly encoding: string;
  readonly schema: Schema | undefined;
  readonly #port: ClientPublisherPort;
  #active = true;
  #published = 0;
  #dropped = 0;

  /** @internal Created by the viewer. */
  constructor(id: number, options: AdvertiseOptions, port: ClientPublisherPort) {
    this.id = id;
    this.topic = options.topic;
    this.encoding = options.encoding;
    this.schema = options.schema;
    this.#port = port;
  }

  /** False once unadvertised or the viewer closed. */
  get active(): boolean {
    return this.#active;
  }

  /** Messages sent so far. */
  get published(): number {
    return this.#published;
  }

  /**
   * Messages dropped because more than `MAX_PUBLISH_BACKLOG_BYTES` were still waiting to go out
   * on the control stream (the device or the link is slower than the publisher).
   */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Sends one message (bytes, or a string sent as UTF-8), in order after the earlier ones.
   * Returns false when it was dropped instead (counted in {@link dropped}) because the control
   * stream is backed up. Throws FoxgloveError `ERR_CHANNEL_CLOSED` after {@link unadvertise} or
   * close, `CapabilityError` or `ERR_UNSUPPORTED_ENCODING` when the device (after a reset) no
   * longer accepts it.
   */
  publish(data: Uint8Array | string): boolean {
    if (!this.#active) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", `client channel ${this.topic} is unadvertised`);
    }
    if (!this.#port.publish(this, typeof data === "string" ? utf8Encode(data) : data)) {
      this.#dropped += 1;
      return false;
    }
    this.#published += 1;
    return true;
  }

  /** Withdraws the channel at the device. Idempotent. */
  unadvertise(): void {
    if (!this.#active) {
      return;
    }
    this.#active = false;
    this.#port.unadvertise(this);
  }

  /** Same as {@link unadvertise}. */
  [Symbol.dispose](): void {
    this.unadvertise();
  }

  /** Same as {@link unadvertise}. */
  [Symbol.asyncDispose](): Promise<void> {
    this.unadvertise();
    return Promise.resolve();
  }

  /** @internal The wire description for a client `advertise`. */
  toWire(): ClientChannel {
    const schema = this.schema;
    const channel: ClientChannel = {
      id: this.id,
      topic: this.topic,
      encoding: this.encoding,
      schemaName: schema?.name ?? "",
    };
    if (schema !== undefined && schema.encoding !== "" && schema.data.byteLength > 0) {
      channel.schemaEncoding = schema.encoding;
      channel.schema = encodeSchemaText(schema.encoding, schema.data);
    }
    return channel;
  }

  /** @internal The viewer closed. */
  end(): void {
    this.#active = false;
  }
}
