/** One frame received on a LiveKit data track. */
export interface DataTrackFrame {
  /** The frame's bytes exactly as pushed by the publisher. */
  readonly payload: Uint8Array;
  /** The publisher's user timestamp (u64; the Foxglove protocol puts the log time in ns here). */
  readonly userTimestamp: bigint | undefined;
}

/**
 * Outcome of {@link LocalDataTrack.tryPush}: "sent" (queued for sending), "queueFull" (LiveKit's
 * send queue of 16 frames is full, or the track is being republished: the frame was dropped),
 * "unpublished" (the track is gone) or "failed" (any other error, logged at debug level).
 */
export type DataTrackPushResult = "sent" | "queueFull" | "unpublished" | "failed";

/** Largest user timestamp a frame can carry (u64). */
export const MAX_USER_TIMESTAMP = (1n << 64n) - 1n;
