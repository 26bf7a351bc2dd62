import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { SerialQueue } from "../core/async/SerialQueue.js";
import { log } from "../core/logger.js";
import {
  encodeServerMessageV1,
  SchemaTable,
  StatusLevel,
  type ServerMessage,
  type ServerMessageV1,
} from "../protocol/index.js";
import { nextClientId, type ViewerConnection } from "../remote/ViewerConnection.js";
import {
  WireFrame,
  type ReliableMessageFrames,
  type SharedMessageData,
} from "./SharedMessageData.js";
import { usesSchemaTable, type Subprotocol } from "./subprotocol.js";
import { BACKLOG_FULL_MESSAGE } from "./WebSocketServerOptions.js";

/** Bytes the socket may buffer before sends wait for it to drain. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** What a {@link WebSocketClient} is created with. */
export interface WebSocketClientInit {
  socket: WebSocket;
  /**
   * The connection under `socket`; corked for the rest of the event-loop turn at the first send,
   * so a burst of messages leaves in one write instead of one per message. Prebuilt binary frames
   * ({@link WireFrame}) are written to it directly, in order with what `socket` sends: the server
   * must not enable permessage-deflate. Without it, frames go through `socket.send`.
   */
  stream?: Duplex;
  /** Shares the frames of a reliable `messageData` the hub sends to several clients. */
  reliableFrames?: ReliableMessageFrames;
  subprotocol: Subprotocol;
  name: string;
  /** Most messages waiting for the socket; beyond, the client is disconnected. */
  backlogSize: number;
  /** Most waiting messages a Lossy message may join; beyond, it is dropped. */
  lossyBacklogSize: number;
  /** Adds fields to `serverInfo` for this transport (playback range). */
  serverInfoExtra: Partial<Extract<ServerMessage, { op: "serverInfo" }>>;
  /** Called once when the client must go (backlog overflow). */
  onOverflow: (client: WebSocketClient) => void;
}

/**
 * One WebSocket client as a {@link ViewerConnection} of the hub: it maps the hub's channel ids to
 * the client's v1 subscription ids and encodes v1 text and binary messages into one bounded queue
 * drained into the socket with backpressure. A Lossy message finding the queue too long is
 * dropped; a reliable one finding it full disconnects the client (spec A.6), so a slow client
 * never stalls the others.
 */
export class WebSocketClient implements ViewerConnection {
  readonly clientId = nextClientId();
  readonly name: string;
  readonly subprotocol: Subprotocol;
  readonly #abort = new AbortController();
  /** Mirrors `#abort.signal.aborted` (read per message). */
  #closed = false;
  readonly #socket: WebSocket;
  readonly #stream: Duplex | undefined;
  #corked = false;
  readonly #reliableFrames: ReliableMessageFrames | undefined;
  readonly #queue: SerialQueue<string | Uint8Array | WireFrame>;
  readonly #lossyBacklogSize: number;
  readonly #serverInfoExtra: WebSocketClientInit["serverInfoExtra"];
  readonly #onOverflow: (client: WebSocketClient) => void;
  /** channel id → subscription id, and back. */
  readonly #subscriptionOf = new Map<number, number>();
  readonly #channelOf = new Map<number, number>();
  /** This connection's schema table (`foxglove.sdk.v1.1` only). */
  readonly #schemaTable: SchemaTable | undefined;
  #droppedLossy = 0;

  constructor(init: WebSocketClientInit) {
    this.#socket = init.socket;
    this.#stream = init.stream;
    this.#reliableFrames = init.reliableFrames;
    this.subprotocol = init.subprotocol;
    this.name = init.name;
    this.#lossyBacklogSize = init.lossyBacklogSize;
    this.#serverInfoExtra = init.serverInfoExtra;
    this.#onOverflow = init.onOverflow;
    this.#schemaTable = usesSchemaTable(init.subprotocol) ? new SchemaTable() : undefined;
    this.#queue = new SerialQueue((frame) => this.#transmit(frame), {
      maxItems: init.backlogSize,
    });
  }

  /** Aborted when the client is gone. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Lossy messages dropped because this client fell behind. */
  get droppedLossy(): number {
    return this.#droppedLossy;
  }

  /** Messages waiting for the socket. */
  get backlog(): number {
    return this.#queue.size;
  }

  // ---- subscriptions (v1: client-chosen ids) ----

  /** The subscription id of `channelId`, if subscribed. */
  subscriptionOf(channelId: number): number | undefined {
    return this.#subscriptionOf.get(channelId);
  }

  /** The channel of subscription `id`, if in use. */
  channelOf(id: number): number | undefined {
    return this.#channelOf.get(id);
  }

  /** Records subscription `id` to `channelId`. */
  addSubscription(id: number, channelId: number): void {
    this.#subscriptionOf.set(channelId, id);
    this.#channelOf.set(id, channelId);
  }

  /** Ends subscription `id`; returns its channel. */
  removeSubscription(id: number): number | undefined {
    const channelId = this.#channelOf.get(id);
    if (channelId !== undefined) {
      this.#channelOf.delete(id);
      this.#subscriptionOf.delete(channelId);
    }
    return channelId;
  }

  /** Forgets the subscriptions of a channel that went away. */
  forgetChannel(channelId: number): void {
    const id = this.#subscriptionOf.get(channelId);
    if (id !== undefined) {
      this.removeSubscription(id);
    }
  }

  // ---- output ----

  /**
   * Hub port: one reliable message, in order. Never throws. Under `foxglove.sdk.v1.1` an inline
   * `advertise` is deduplicated against this connection's schema table and queued in the same
   * synchronous step (a definition precedes its first use); a `serverInfo` clears the table.
   */
  send(message: ServerMessage): void {
    if (message.op === "messageData") {
      const subscriptionId = this.#subscriptionOf.get(message.channelId);
      if (subscriptionId === undefined) {
        return;
      }
      if (this.#reliableFrames !== undefined) {
        this.#sendShared(subscriptionId, this.#reliableFrames.of(message), false);
      } else {
        const { logTime, data } = message;
        this.#enqueue({ op: "messageData", subscriptionId, logTime, data }, false);
      }
    } else if (message.op === "serverInfo") {
      this.#schemaTable?.clear();
      this.#enqueue({ ...message, ...this.#serverInfoExtra }, false);
    } else if (message.op !== "pong") {
      // (v1 has no application ping, so no pong)
      if (
        message.op === "advertise" &&
        this.#schemaTable !== undefined &&
        !("schemas" in message)
      ) {
        this.#enqueue(this.#schemaTable.deduplicate(message), false);
        return;
      }
      if (message.op === "unadvertise") {
        message.channelIds.forEach((id) => this.forgetChannel(id));
      }
      this.#enqueue(message, false);
    }
  }

  /**
   * One Lossy message of a subscribed channel, its frame shared with the other clients of the
   * broadcast; dropped when the client is behind.
   */
  sendLossy(channelId: number, message: SharedMessageData): void {
    const subscriptionId = this.#subscriptionOf.get(channelId);
    if (subscriptionId !== undefined) {
      this.#sendShared(subscriptionId, message, true);
    }
  }

  #sendShared(subscriptionId: number, message: SharedMessageData, lossy: boolean): void {
    if (!this.#admits(lossy)) {
      return;
    }
    let frame: WireFrame;
    try {
      frame = message.frameFor(subscriptionId);
    } catch (error) {
      log.warn(`cannot encode messageData for WebSocket client ${this.name}:`, error);
      return;
    }
    this.#enqueueFrame(frame, lossy);
  }

  /** A v1-only message (time, playback state), lossy or not. */
  sendV1(message: ServerMessageV1, lossy: boolean): void {
    this.#enqueue(message, lossy);
  }

  /** A status straight to this client (error replies of the transport itself). */
  sendStatus(level: 0 | 1 | 2, message: string): void {
    this.#enqueue({ op: "status", level, message }, false);
  }

  /** Closes the socket (after what it already buffered) and discards the queue. Idempotent. */
  close(code = 1000, reason = ""): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#abort.abort();
    this.#queue.clear();
    try {
      this.#socket.close(code, reason);
    } catch (error) {
      log.debug(`closing WebSocket client ${this.name} failed:`, error);
    }
  }

  /** False (counting a dropped Lossy message) when a message must not be queued. */
  #admits(lossy: boolean): boolean {
    if (this.#closed) {
      return false;
    }
    if (lossy && this.#queue.size >= this.#lossyBacklogSize) {
      this.#droppedLossy += 1;
      return false;
    }
    return true;
  }

  #enqueue(message: ServerMessageV1 | ServerMessage, lossy: boolean): void {
    if (!this.#admits(lossy)) {
      return;
    }
    let frame: string | Uint8Array;
    try {
      frame = encodeServerMessageV1(message as ServerMessageV1);
    } catch (error) {
      log.warn(`cannot encode ${message.op} for WebSocket client ${this.name}:`, error);
      return;
    }
    this.#enqueueFrame(frame, lossy);
  }

  #enqueueFrame(frame: string | Uint8Array | WireFrame, lossy: boolean): void {
    const socket = this.#socket;
    if (
      this.#queue.idle &&
      socket.readyState === socket.OPEN &&
      socket.bufferedAmount < HIGH_WATER_BYTES
    ) {
      this.#write(frame); // nothing waiting and room in the socket: no need to queue
      return;
    }
    if (this.#queue.push(frame)) {
      return;
    }
    if (lossy) {
      this.#droppedLossy += 1;
      return;
    }
    // The reliable backlog is full: tell the client why, then let it go.
    try {
      this.#socket.send(
        encodeServerMessageV1({
          op: "status",
          level: StatusLevel.Error,
          message: BACKLOG_FULL_MESSAGE,
        }),
      );
    } catch {
      // the socket is going anyway
    }
    this.#onOverflow(this);
  }

  #transmit(frame: string | Uint8Array | WireFrame): void | Promise<void> {
    const socket = this.#socket;
    if (socket.readyState !== socket.OPEN) {
      return;
    }
    if (socket.bufferedAmount < HIGH_WATER_BYTES) {
      this.#write(frame);
      return;
    }
    return new Promise((resolve) => this.#write(frame, () => resolve()));
  }

  /** Sends one frame, corking the connection until the end of this event-loop turn. */
  #write(frame: string | Uint8Array | WireFrame, sent?: () => void): void {
    const stream = this.#stream;
    if (stream !== undefined && !this.#corked) {
      this.#corked = true;
      stream.cork();
      process.nextTick(this.#uncork);
    }
    if (!(frame instanceof WireFrame)) {
      this.#socket.send(frame, sent);
    } else if (stream !== undefined) {
      stream.write(frame.bytes, sent);
    } else {
      this.#socket.send(frame.message, sent);
    }
  }

  readonly #uncork = (): void => {
    this.#corked = false;
    this.#stream?.uncork();
  };
}
