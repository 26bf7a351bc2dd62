import { FoxgloveError } from "../core/FoxgloveError.js";
import type { ServerInfo } from "../protocol/index.js";
import type { ActionFeature, SendToDevice } from "./ActionFeature.js";
import { requireCapability } from "./CapabilityError.js";
import { ClientPublisher, type AdvertiseOptions } from "./ClientPublisher.js";

/**
 * Control-stream backlog above which `ClientPublisher.publish` drops the message instead of
 * queueing it (1 MiB): a device or link slower than the publisher loses messages rather than
 * growing memory.
 */
export const MAX_PUBLISH_BACKLOG_BYTES = 1 << 20;
const MAX_CLIENT_CHANNELS = 4096;

/**
 * The client channels a viewer advertises (spec 3.3.3, 3.3.4, 4.3.1): u32 ids chosen here, one
 * {@link ClientPublisher} each, advertised again after a device reset.
 */
export class ClientPublishers implements ActionFeature {
  readonly #send: SendToDevice;
  readonly #serverInfo: () => ServerInfo | undefined;
  readonly #backlogBytes: () => number;
  readonly #publishers = new Map<number, ClientPublisher>();
  #nextId = 1;
  #closed = false;

  constructor(
    send: SendToDevice,
    serverInfo: () => ServerInfo | undefined,
    backlogBytes: () => number,
  ) {
    this.#send = send;
    this.#serverInfo = serverInfo;
    this.#backlogBytes = backlogBytes;
  }

  /** Advertised client channels, in id order. */
  get list(): ClientPublisher[] {
    return [...this.#publishers.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Advertises a client channel on a device that announces `clientPublish` (`info`). Throws
   * FoxgloveError `ERR_UNSUPPORTED_ENCODING`, `ERR_VALUE` (empty topic, too many channels),
   * `ERR_ENCODE` (a text schema that is not UTF-8).
   */
  advertise(info: ServerInfo, options: AdvertiseOptions): ClientPublisher {
    checkClientEncoding(info, options.encoding);
    if (typeof options.topic !== "string" || options.topic === "") {
      throw new FoxgloveError("ERR_VALUE", "a client channel needs a non-empty topic");
    }
    if (this.#publishers.size >= MAX_CLIENT_CHANNELS) {
      throw new FoxgloveError("ERR_VALUE", `at most ${MAX_CLIENT_CHANNELS} client channels`);
    }
    const publisher = new ClientPublisher(this.#allocate(), options, {
      publish: (p, data) => this.#publish(p, data),
      unadvertise: (p) => this.#unadvertise(p),
    });
    const wire = publisher.toWire(); // throws ERR_ENCODE before anything is registered
    this.#publishers.set(publisher.id, publisher);
    this.#send({ op: "advertise", channels: [wire] });
    return publisher;
  }

  restore(info: ServerInfo): void {
    if (!info.capabilities.includes("clientPublish")) {
      return;
    }
    const accepted = new Set(info.supportedEncodings);
    const channels = this.list.filter((p) => accepted.has(p.encoding)).map((p) => p.toWire());
    if (channels.length > 0) {
      this.#send({ op: "advertise", channels });
    }
  }

  reset(): void {
    // Publishers stay; `restore` advertises them again.
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#publishers.values()) {
      p.end();
    }
    this.#publishers.clear();
  }

  #publish(publisher: ClientPublisher, data: Uint8Array): boolean {
    if (this.#closed) {
      throw new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer is closed");
    }
    const info = requireCapability(this.#serverInfo(), "clientPublish", "client publishing");
    checkClientEncoding(info, publisher.encoding);
    if (this.#backlogBytes() > MAX_PUBLISH_BACKLOG_BYTES) {
      return false;
    }
    this.#send({ op: "messageData", channelId: publisher.id, data });
    return true;
  }

  #unadvertise(publisher: ClientPublisher): void {
    if (this.#publishers.delete(publisher.id) && !this.#closed) {
      this.#send({ op: "unadvertise", channelIds: [publisher.id] });
    }
  }

  #allocate(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id >= 0xffff_ffff ? 1 : id + 1;
      if (!this.#publishers.has(id)) {
        return id;
      }
    }
  }
}

/** Throws `ERR_UNSUPPORTED_ENCODING` unless the device accepts client messages in `encoding`. */
function checkClientEncoding(info: ServerInfo, encoding: string): void {
  const supported = info.supportedEncodings ?? [];
  if (!supported.includes(encoding)) {
    throw new FoxgloveError(
      "ERR_UNSUPPORTED_ENCODING",
      `the device does not accept ${JSON.stringify(encoding)} messages (supported encodings: ${supported.join(", ") || "none"})`,
    );
  }
}
