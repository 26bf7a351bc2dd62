import {
  FfiHandle,
  LocalDataTrackTryPushErrorCode,
  type LocalDataTrackIsPublishedResponse,
  type LocalDataTrackTryPushResponse,
  type OwnedLocalDataTrack,
} from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { log } from "../core/logger.js";
import { MAX_USER_TIMESTAMP, type DataTrackPushResult } from "./DataTrackFrame.js";
import { ffiClient } from "./native.js";

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

  /** @internal Built by LiveKitRoom from the FFI's publish callback. */
  constructor(owned: OwnedLocalDataTrack) {
    const id = owned.handle?.id;
    if (id === undefined) {
      throw new FoxgloveError("ERR_LIVEKIT", "LiveKit returned a data track without a handle");
    }
    this.#handle = new FfiHandle(id);
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
    if (userTimestamp !== undefined && (userTimestamp < 0n || userTimestamp > MAX_USER_TIMESTAMP)) {
      throw new FoxgloveError("ERR_VALUE", `userTimestamp ${userTimestamp} is not a u64`);
    }
    if (this.#handle === undefined) {
      return "unpublished";
    }
    let res: LocalDataTrackTryPushResponse;
    try {
      res = ffiClient().request<LocalDataTrackTryPushResponse>({
        message: {
          case: "localDataTrackTryPush",
          value: {
            trackHandle: this.#handle.handle,
            frame: { payload, ...(userTimestamp !== undefined ? { userTimestamp } : {}) },
          },
        },
      });
    } catch (error) {
      log.debug(`data track "${this.name}": push failed:`, error);
      return "failed";
    }
    const err = res.error;
    if (err === undefined) {
      return "sent";
    }
    switch (err.code) {
      case LocalDataTrackTryPushErrorCode.QUEUE_FULL:
        return "queueFull";
      case LocalDataTrackTryPushErrorCode.TRACK_UNPUBLISHED:
      case LocalDataTrackTryPushErrorCode.INVALID_HANDLE:
        return "unpublished";
      case LocalDataTrackTryPushErrorCode.INTERNAL:
      case LocalDataTrackTryPushErrorCode.UNKNOWN:
      case undefined:
        log.debug(`data track "${this.name}": push failed:`, err.message ?? "");
        return "failed";
    }
  }

  /** Unpublishes the track and releases its native handle. Idempotent. */
  unpublish(): void {
    const handle = this.#handle;
    if (handle === undefined) {
      return;
    }
    this.#handle = undefined;
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
