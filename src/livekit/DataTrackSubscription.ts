import {
  FfiHandle,
  SubscribeDataTrackErrorCode,
  type DataTrackStreamEvent,
  type DataTrackStreamReadResponse,
  type SubscribeDataTrackError,
  type SubscribeDataTrackResponse,
} from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { AsyncQueue } from "../core/async/AsyncQueue.js";
import type { DataTrackFrame } from "./DataTrackFrame.js";
import { ffiClient, onDataTrackStreamEvents } from "./native.js";

/** Options of {@link RemoteDataTrack.subscribe}. */
export interface DataTrackSubscribeOptions {
  /** Frames LiveKit buffers natively before dropping the oldest (default 16). */
  bufferSize?: number;
  /** Frames read ahead into JS while the consumer is busy (default 16). */
  queueSize?: number;
}

/**
 * Frames of a subscribed remote data track, read with `for await`. The iteration ends when the
 * track is unpublished or {@link close} is called, and throws FoxgloveError ERR_LIVEKIT when the
 * subscription fails (e.g. the room disconnected before it was established). Frames are pulled
 * from LiveKit only while the read-ahead queue has room, so a slow consumer loses frames inside
 * LiveKit's bounded buffer instead of growing memory.
 */
export class DataTrackSubscription implements AsyncIterable<DataTrackFrame>, AsyncDisposable {
  readonly #trackName: string;
  readonly #queue: AsyncQueue<DataTrackFrame>;
  readonly #stopListening: () => void;
  readonly #onClose: (sub: DataTrackSubscription) => void;
  #handle: FfiHandle | undefined;
  #reading = false;
  #received = 0;

  /** @internal Use {@link RemoteDataTrack.subscribe}. */
  constructor(
    trackHandle: bigint,
    trackName: string,
    options: DataTrackSubscribeOptions,
    onClose: (sub: DataTrackSubscription) => void,
  ) {
    this.#trackName = trackName;
    this.#onClose = onClose;
    this.#queue = new AsyncQueue(options.queueSize ?? 16, "dropNewest");
    const res = ffiClient().request<SubscribeDataTrackResponse>({
      message: {
        case: "subscribeDataTrack",
        value: {
          trackHandle,
          options: options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {},
        },
      },
    });
    const id = res.stream?.handle?.id;
    if (id === undefined) {
      throw new FoxgloveError("ERR_LIVEKIT", `subscribing to data track "${trackName}" failed`);
    }
    this.#handle = new FfiHandle(id);
    this.#stopListening = onDataTrackStreamEvents(id, (ev) => this.#onEvent(ev));
    this.#pump();
  }

  /** Frames received from LiveKit so far. */
  get framesReceived(): number {
    return this.#received;
  }

  /** True once the subscription ended (track unpublished, failure or close()). */
  get ended(): boolean {
    return this.#queue.ended;
  }

  /** Stops the subscription; queued frames are discarded. Idempotent. */
  close(): void {
    this.#finish();
    this.#queue.clear();
  }

  /** @internal The track went away: frames already queued can still be read, then iteration ends. */
  endOfTrack(): void {
    this.#finish();
    this.#queue.end();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<DataTrackFrame> {
    return {
      next: () => {
        const next = this.#queue.next();
        this.#pump();
        return next;
      },
      return: () => {
        this.close();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** Asks LiveKit for the next frame when none is outstanding and the queue has room. */
  #pump(): void {
    const handle = this.#handle;
    if (this.#reading || handle === undefined || this.#queue.ended || this.#queue.full) {
      return;
    }
    this.#reading = true;
    const res = ffiClient().request<DataTrackStreamReadResponse>({
      message: { case: "dataTrackStreamRead", value: { streamHandle: handle.handle } },
    });
    if (res.eosEvent !== undefined) {
      this.#end(res.eosEvent.error);
    }
  }

  #onEvent(ev: DataTrackStreamEvent): void {
    const detail = ev.detail;
    if (detail.case === "frameReceived") {
      this.#reading = false;
      const frame = detail.value.frame;
      this.#received += 1;
      this.#queue.push({
        payload: frame?.payload ?? new Uint8Array(0),
        userTimestamp: frame?.userTimestamp,
      });
      this.#pump();
    } else if (detail.case === "eos") {
      this.#end(detail.value.error);
    }
  }

  #end(error: SubscribeDataTrackError | undefined): void {
    this.#finish();
    if (error === undefined) {
      this.#queue.end();
    } else {
      const code = error.code === undefined ? "UNKNOWN" : SubscribeDataTrackErrorCode[error.code];
      this.#queue.fail(
        new FoxgloveError(
          "ERR_LIVEKIT",
          `data track "${this.#trackName}" subscription failed: ${code} ${error.message ?? ""}`.trim(),
        ),
      );
    }
  }

  #finish(): void {
    const handle = this.#handle;
    if (handle === undefined) {
      return;
    }
    this.#handle = undefined;
    this.#stopListening();
    handle.dispose();
    this.#onClose(this);
  }
}
