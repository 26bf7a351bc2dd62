import { log } from "../../core/logger.js";
import { ControlQueue, type EnqueueResult } from "./ControlQueue.js";
import { flushControlQueue, type FlushEnd } from "./flushControlQueue.js";
import { nextClientId } from "./nextClientId.js";
import type { PendingResets } from "./PendingResets.js";
import { Semaphore } from "./Semaphore.js";
import { DEFAULT_MESSAGE_BACKLOG_SIZE, PER_VIEWER_REQUEST_LIMIT } from "./sessionDefaults.js";

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
  /** Outstanding service calls / asset fetches / parameter requests allowed (default 32 each). */
  readonly requestLimit?: number;
}

/**
 * One viewer connection in the room: its identity, SID, join time, client ID, bounded control
 * queue with its flush task, cancellation, and per-viewer admission semaphores. Everything that
 * reaches the viewer's control stream goes through {@link sendControl}.
 */
export class Participant {
  /** LiveKit identity. */
  readonly identity: string;
  /** LiveKit participant SID of this connection. */
  readonly sid: string;
  /** LiveKit join time, ms since the Unix epoch. */
  readonly joinedAt: number;
  /** Process-wide client ID of this connection instance (from 1). */
  readonly clientId: number;
  /** Admission for service calls. */
  readonly serviceCalls: Semaphore;
  /** Admission for asset fetches. */
  readonly assetFetches: Semaphore;
  /** Admission for parameter get/set (shared). */
  readonly parameterRequests: Semaphore;

  readonly #queue: ControlQueue;
  readonly #controller = new AbortController();
  readonly #pendingResets: PendingResets;
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort = (): void => this.#controller.abort();
  #flush: Promise<FlushEnd> | undefined;

  constructor(options: ParticipantOptions) {
    this.identity = options.identity;
    this.sid = options.sid;
    this.joinedAt = options.joinedAt;
    this.clientId = nextClientId();
    this.#pendingResets = options.pendingResets;
    this.#queue = new ControlQueue(options.messageBacklogSize ?? DEFAULT_MESSAGE_BACKLOG_SIZE);
    const limit = options.requestLimit ?? PER_VIEWER_REQUEST_LIMIT;
    this.serviceCalls = new Semaphore(limit);
    this.assetFetches = new Semaphore(limit);
    this.parameterRequests = new Semaphore(limit);
    this.#parent = options.signal;
    if (this.#parent?.aborted === true) {
      this.#controller.abort();
    } else {
      this.#parent?.addEventListener("abort", this.#onParentAbort, { once: true });
    }
  }

  /** Aborted when this participant is removed, reset, or the session ends. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Messages waiting in the control queue. */
  get queuedMessages(): number {
    return this.#queue.length;
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
