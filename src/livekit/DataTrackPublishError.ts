import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * Why LiveKit refused to publish a data track: "DUPLICATE_NAME" (expected briefly while a track of
 * the same name is still being unpublished), "TIMEOUT", "DISCONNECTED", "NOT_ALLOWED",
 * "INVALID_NAME", "LIMIT_REACHED", or another LiveKit error name.
 */
export type DataTrackPublishFailure = string;

/** A failed {@link LiveKitRoom.publishDataTrack}; code ERR_LIVEKIT, plus LiveKit's reason. */
export class DataTrackPublishError extends FoxgloveError {
  /** LiveKit's reason, e.g. "DUPLICATE_NAME". */
  readonly reason: DataTrackPublishFailure;

  constructor(trackName: string, reason: DataTrackPublishFailure, detail: string) {
    super("ERR_LIVEKIT", `publishing data track "${trackName}" failed: ${reason} ${detail}`.trim());
    this.name = "DataTrackPublishError";
    this.reason = reason;
  }
}
