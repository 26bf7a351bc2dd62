import {
  FfiHandle,
  livekitFfiRequest,
  LocalDataTrackTryPushErrorCode,
  type LocalDataTrackIsPublishedResponse,
  type OwnedLocalDataTrack,
} from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { MAX_USER_TIMESTAMP, type DataTrackPushResult } from "./DataTrackFrame.js";
import {
  DataTrackPacer,
  type DataTrackOfferResult,
  type DataTrackPacerOptions,
} from "./DataTrackPacer.js";
import { ffiClient } from "./native.js";
import { decodeTryPushResponse, encodeTryPushRequest } from "./tryPushCodec.js";
import { encodeHandle } from "./varint.js";

/** How {@link LocalDataTrack.offer} paces frames (see {@link DataTrackPacerOptions}). */
export type DataTrackPacing = Pick<DataTrackPacerOptions, "burstGapMs" | "maxBurstWaits">;

/**
 * A data track we publish (LiveKit data tracks: lossy, unordered frames visible room-wide). Get one
 * from {@link LiveKitRoom.publishDataTrack}. Frames are sent once; LiveKit splits frames into
 * 16 kB packets and a frame is lost if any packet is.
 */
export class LocalDataTrack implements Disposable {
  /** The track name (unique per publisher). */
  readonly name: string;
  /** Server-assigned track id. */
  readonly sid: string;
  #handle: FfiHandle | undefined;
  /** The handle's varint encoding, for the hand-encoded push request. */
  readonly #handleBytes: Uint8Array;
  #pacer: DataTrackPacer | undefined;
  readonly #pacing: DataTrackPacing;

  /** @internal Built by LiveKitRoom from the FFI's publish callback. */
  constructor(owned: OwnedLocalDataTrack, pacing: DataTrackPacing = {}) {
    this.#pacing = pacing;
    const id = owned.handle?.id;
    if (id === undefined) {
      throw new FoxgloveError("ERR_LIVEKIT", "LiveKit returned a data track without a handle");
    }
    this.#handle = new FfiHandle(id);
    this.#handleBytes = encodeHandle(id);
    this.name = owned.info?.name ?? "";
    this.sid = owned.info?.sid ?? "";
  }

  /** True until unpublished (by us, or by LiveKit, e.g. when the room disconnects). */
  get published(): boolean {
    if (this.#handle === undefined) {
      return false;
    }
    const res = ffiClient().request<LocalDataTrackIsPublishedResponse>({
      message: { case: "localDataTrackIsPublished", value: { trackHandle: this.#handle.handle } },
    });
    return res.isPublished === true;
  }

  /**
   * Queues one frame without waiting. `userTimestamp` is an optional u64 (e.g. a log time in ns).
   * Never throws for transport conditions: returns what happened. Throws FoxgloveError ERR_VALUE for
   * a userTimestamp outside 0..2^64-1.
   */
  tryPush(payload: Uint8Array, userTimestamp?: bigint): DataTrackPushResult {
    return this.tryPushWithHeader(undefined, payload, userTimestamp);
  }

  /**
   * Same as {@link tryPush} for the frame `header` followed by `payload`, without concatenating
   * them first (the request to the native layer is encoded once, into a reused buffer).
   */
  tryPushWithHeader(
    header: Uint8Array | undefined,
    payload: Uint8Array,
    userTimestamp?: bigint,
  ): DataTrackPushResult {
    if (!this.#canPush(userTimestamp)) {
      return "unpublished";
    }
    try {
      ffiClient(); // initialized (a no-op while a room is open)
      const request = encodeTryPushRequest(this.#handleBytes, header, payload, userTimestamp);
      const error = decodeTryPushResponse(livekitFfiRequest(request));
      if (error === undefined) {
        return "sent";
      }
      const code = error.code;
      if (code === LocalDataTrackTryPushErrorCode.QUEUE_FULL) {
        return "queueFull";
      }
      if (
        code === LocalDataTrackTryPushErrorCode.TRACK_UNPUBLISHED ||
        code === LocalDataTrackTryPushErrorCode.INVALID_HANDLE
      ) {
        return "unpublished";
      }
      log.debug(`data track "${this.name}": push failed (code ${code}):`, error.message);
    } catch (error) {
      log.debug(`data track "${this.name}": push failed:`, error);
    }
    return "failed";
  }

  /**
   * Paced push of the frame `header` + `payload` through a {@link DataTrackPacer} with default
   * options: handed to LiveKit at once, except while LiveKit's queue is full, when frames wait (up
   * to 16, newest wins) and excess frames are dropped without a native call, and within a burst,
   * when a frame follows the previous one by less than 0.6 ms: this call then sleeps for the rest
   * of that gap first (at most 8 frames in a row), so LiveKit's one-slot sender does not evict it.
   * Throws FoxgloveError ERR_VALUE for a userTimestamp outside 0..2^64-1.
   */
  offer(
    header: Uint8Array | undefined,
    payload: Uint8Array,
    userTimestamp?: bigint,
  ): DataTrackOfferResult {
    if (!this.#canPush(userTimestamp)) {
      return "unpublished";
    }
    this.#pacer ??= new DataTrackPacer(this, this.#pacing);
    return this.#pacer.offer(header, payload, userTimestamp);
  }

  /** False once unpublished; throws ERR_VALUE for a userTimestamp outside u64. */
  #canPush(userTimestamp: bigint | undefined): boolean {
    if (userTimestamp !== undefined && (userTimestamp < 0n || userTimestamp > MAX_USER_TIMESTAMP)) {
      throw new FoxgloveError("ERR_VALUE", `userTimestamp ${userTimestamp} is not a u64`);
    }
    return this.#handle !== undefined;
  }

  /** Unpublishes the track and releases its native handle. Idempotent. */
  unpublish(): void {
    const handle = this.#handle;
    if (handle === undefined) {
      return;
    }
    this.#handle = undefined;
    this.#pacer?.close();
    try {
      ffiClient().request({
        message: { case: "localDataTrackUnpublish", value: { trackHandle: handle.handle } },
      });
    } catch (error) {
      log.debug(`data track "${this.name}": unpublish failed:`, error);
    }
    handle.dispose();
  }

  /** Same as {@link unpublish}. */
  [Symbol.dispose](): void {
    this.unpublish();
  }
}
