import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import { log } from "../core/logger.js";
import type { Schema } from "../core/Schema.js";
import { decodeSchemaText, type ClientChannel, type ClientMessageData } from "../protocol/index.js";
import { ClientChannels } from "./ClientChannels.js";
import type { NotifyListener } from "./ViewerListener.js";
import type { HubViewer } from "./ViewerRequest.js";

/**
 * Client publish (spec session 9.2): channels viewers advertise (a teleop panel's `/cmd_vel`),
 * their messages handed to the listener, and the statuses for what goes wrong. The capability is
 * checked by the hub before.
 */
export class ClientPublish {
  readonly #channels = new ClientChannels<ChannelDescriptor>();
  readonly #notify: NotifyListener;

  constructor(notify: NotifyListener) {
    this.#notify = notify;
  }

  /** Handles a client `advertise`: decode each schema, store, `onClientAdvertise`. */
  advertise(v: HubViewer, channels: readonly ClientChannel[]): void {
    for (const c of channels) {
      let schema: Schema | undefined;
      try {
        schema = clientSchema(c);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log.warn(`viewer ${v.connection.name}: failed to decode schema for client channel ${c.id}`);
        status(v, 2, `Failed to decode schema for channel ${c.id}: ${reason}`);
        continue;
      }
      const descriptor: ChannelDescriptor = {
        id: c.id,
        topic: c.topic,
        messageEncoding: c.encoding,
        schema,
        metadata: {},
      };
      if (!this.#channels.insert(v.connection.clientId, descriptor)) {
        status(v, 1, `Client is already advertising channel: ${c.id}; ignoring advertisement`);
        continue;
      }
      this.#notify("onClientAdvertise", (l) => l.onClientAdvertise?.(v.client, descriptor));
    }
  }

  /** Handles a client `unadvertise`: unknown IDs are only logged. */
  unadvertise(v: HubViewer, ids: readonly number[]): void {
    for (const id of ids) {
      const channel = this.#channels.remove(v.connection.clientId, id);
      if (channel === undefined) {
        log.debug(`viewer ${v.connection.name} unadvertised unknown client channel ${id}`);
      } else {
        this.#notify("onClientUnadvertise", (l) => l.onClientUnadvertise?.(v.client, channel));
      }
    }
  }

  /** Handles client `messageData`: to the listener, or an error status for an unknown channel. */
  messageData(v: HubViewer, message: ClientMessageData): void {
    const channel = this.#channels.get(v.connection.clientId, message.channelId);
    if (channel === undefined) {
      status(v, 2, `Client has not advertised channel: ${message.channelId}`);
      return;
    }
    const data = message.data;
    this.#notify("onMessageData", (l) => l.onMessageData?.(v.client, channel, data));
  }

  /** A viewer left: `onClientUnadvertise` for each of its channels. */
  remove(v: HubViewer): void {
    for (const channel of this.#channels.removeAll(v.connection.clientId)) {
      this.#notify("onClientUnadvertise", (l) => l.onClientUnadvertise?.(v.client, channel));
    }
  }
}

function status(v: HubViewer, level: 1 | 2, message: string): void {
  v.connection.send({ op: "status", level, message });
}

/**
 * The schema of a client channel: decoded text/base64 when both encoding and schema are given,
 * else a name-only schema (teleop panels send only a name), else none. Throws on bad base64.
 */
function clientSchema(c: ClientChannel): Schema | undefined {
  if (c.schemaEncoding !== undefined && c.schema !== undefined) {
    return {
      name: c.schemaName,
      encoding: c.schemaEncoding,
      data: decodeSchemaText(c.schemaEncoding, c.schema),
    };
  }
  if (c.schemaName !== "") {
    return { name: c.schemaName, encoding: c.schemaEncoding ?? "", data: new Uint8Array(0) };
  }
  return undefined;
}
