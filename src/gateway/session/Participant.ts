import { log } from "../../core/logger.js";
import { encodeServerFrame, type ServerMessage } from "../../protocol/index.js";
import { nextClientId, type ViewerConnection } from "../../remote/ViewerConnection.js";
import { ControlQueue, type EnqueueResult } from "./ControlQueue.js";
import { flushControlQueue, type FlushEnd } from "./flushControlQueue.js";
import type { PendingResets } from "./PendingResets.js";
import { DEFAULT_MESSAGE_BACKLOG_SIZE } from "./sessionDefaults.js";

/** Options of a {@link Participant}. */
export interface ParticipantOptions {
  /** LiveKit identity. */
  readonly identity: string;
  /** LiveKit participant SID of this connection. */
  readonly sid: string;
  /** LiveKit join time of this connection, ms since the Unix epoch. */
  readonly joinedAt: number;
  /** Where overflows and write failures request a reset of this viewer. */
  readonly pendingResets: PendingResets;
  /** The session's lifetime; aborting it stops this participant too. */
  readonly signal?: AbortSignal;
  /** Control queue capacity in messages (default 1024). */
  readonly messageBacklogSize?: number;
  /** Encodes a message as a v2 frame. Default a fresh encode per message. */
  readonly encode?: (message: ServerMessage) => Uint8Array;
}

/**
 * A v2 frame encoder that remembers its last message: the hub passes one message object to every
 * recipient of a broadcast, so sharing one encoder across a session's participants encodes each
 * broadcast once.
 */
export function sharedFrameEncoder(): (message: ServerMessage) => Uint8Array {
  let last: ServerMessage | undefined;
  let frame: Uint8Array = new Uint8Array(0);
  return (message) => {
    if (message !== last) {
      frame = encodeServerFrame(message);
      last = message;
    }
    return frame;
  };
}

/**
 * One viewer connection in the room, the LiveKit side of a hub {@link ViewerConnection}: its
 * identity, SID, join time, client ID, bounded control queue with its flush task, and
 * cancellation. {@link send} frames hub messages as v2; everything that reaches the viewer's
 * control stream goes through {@link sendControl}.
 */
export class Participant implements ViewerConnection {
  /** LiveKit identity. */
  readonly identity: string;
  /** LiveKit participant SID of this connection. */
  readonly sid: string;
  /** LiveKit join time, ms since the Unix epoch. */
  readonly joinedAt: number;
  /** Process-wide client ID of this connection instance (from 1). */
  readonly clientId: number;

  readonly #queue: ControlQueue;
  readonly #controller = new AbortController();
  readonly #pendingResets: PendingResets;
  readonly #parent: AbortSignal | undefined;
  readonly #encode: (message: ServerMessage) => Uint8Array;
  readonly #onParentAbort = (): void => this.#controller.abort();
  #flush: Promise<FlushEnd> | undefined;

  constructor(options: ParticipantOptions) {
    this.identity = options.identity;
    this.sid = options.sid;
    this.joinedAt = options.joinedAt;
    this.clientId = nextClientId();
    this.#pendingResets = options.pendingResets;
    this.#queue = new ControlQueue(options.messageBacklogSize ?? DEFAULT_MESSAGE_BACKLOG_SIZE);
    this.#encode = options.encode ?? encodeServerFrame;
    this.#parent = options.signal;
    if (this.#parent?.aborted === true) {
      this.#controller.abort();
    } else {
      this.#parent?.addEventListener("abort", this.#onParentAbort, { once: true });
    }
  }

  /** The LiveKit identity (the hub's name for this viewer). */
  get name(): string {
    return this.identity;
  }

  /** Aborted when this participant is removed, reset, or the session ends. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Messages waiting in the control queue. */
  get queuedMessages(): number {
    return this.#queue.length;
  }

  /** Frames a hub message as v2 and queues it (see {@link sendControl}); never throws. */
  send(message: ServerMessage): void {
    let frame;
    try {
      frame = this.#encode(message);
    } catch (error) {
      log.error(`failed to encode ${message.op}`, error);
      return;
    }
    this.sendControl(frame);
  }

  /**
   * Queues one framed control message. Never blocks. When the queue is full the participant is
   * cancelled and its queue closed (pending messages abandoned) and a reset is requested; returns
   * `full`. When the participant is already closed the message is dropped and `closed` is
   * returned (no reset).
   */
  sendControl(frame: Uint8Array): EnqueueResult {
    const result = this.#queue.push(frame);
    switch (result) {
      case "queued":
        break;
      case "full":
        log.warn(`control queue full for viewer ${this.identity}; resetting it`);
        this.#cancel();
        this.#queue.close(); // later messages are dropped quietly until the reset replaces it
        this.#pendingResets.request(this.sid);
        break;
      case "closed":
        log.debug(`control queue closed for viewer ${this.identity}; message dropped`);
        break;
    }
    return result;
  }

  /**
   * Starts the flush task writing queued frames with `write` (one batch per call). A failed
   * write requests a reset of this participant. Returns the task's completion; call once.
   */
  startFlush(
    write: (bytes: Uint8Array) => Promise<void>,
    maxBatchBytes?: number,
  ): Promise<FlushEnd> {
    if (this.#flush !== undefined) {
      throw new Error("Participant.startFlush called twice");
    }
    this.#flush = flushControlQueue({
      queue: this.#queue,
      write,
      signal: this.#controller.signal,
      ...(maxBatchBytes === undefined ? {} : { maxBatchBytes }),
    }).then((end) => {
      if (end.reason === "writeFailed") {
        log.warn(`control stream write to viewer ${this.identity} failed; resetting it`, end.error);
        this.#pendingResets.request(this.sid);
      }
      return end;
    });
    return this.#flush;
  }

  /** Cancels the participant and closes its queue; resolves when its flush task has ended. */
  async close(): Promise<void> {
    this.#cancel();
    this.#queue.close();
    await this.#flush;
  }

  #cancel(): void {
    this.#parent?.removeEventListener("abort", this.#onParentAbort);
    this.#controller.abort();
  }
}
