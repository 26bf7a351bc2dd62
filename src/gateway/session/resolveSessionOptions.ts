import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { VideoEncoderName } from "../../livekit/index.js";
import {
  DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
  DEFAULT_MESSAGE_BACKLOG_SIZE,
  MIN_MAX_DATA_TRACK_MESSAGE_SIZE,
} from "./sessionDefaults.js";

/** Session limits as given by the user (all optional). */
export interface SessionLimitOptions {
  /** Per-viewer control queue capacity in messages; default 1024, at least 1. */
  readonly messageBacklogSize?: number | undefined;
  /** Largest lossy message in bytes; default 102400 (100 KiB), at least 1200. */
  readonly maxDataTrackMessageSize?: number | undefined;
  /**
   * Preferred video encoder backend. Default "auto", which defers to the environment variable
   * `FOXGLOVE_VIDEO_ENCODER`; an unavailable backend falls back to another. The codec is H.264
   * (VP8 on macOS) unless `FOXGLOVE_VIDEO_CODEC` names another (av1, h264, h265, vp8, vp9).
   */
  readonly videoEncoder?: VideoEncoderName | undefined;
}

/**
 * Fills in defaults and validates the limits. Throws FoxgloveError `ERR_CONFIGURATION` for a
 * non-integer or too small value.
 */
export function resolveSessionOptions(options: SessionLimitOptions = {}): Required<{
  messageBacklogSize: number;
  maxDataTrackMessageSize: number;
}> {
  const messageBacklogSize = options.messageBacklogSize ?? DEFAULT_MESSAGE_BACKLOG_SIZE;
  const maxDataTrackMessageSize =
    options.maxDataTrackMessageSize ?? DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE;
  if (!Number.isSafeInteger(messageBacklogSize) || messageBacklogSize < 1) {
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      `messageBacklogSize must be an integer ≥ 1, got ${messageBacklogSize}`,
    );
  }
  if (
    !Number.isSafeInteger(maxDataTrackMessageSize) ||
    maxDataTrackMessageSize < MIN_MAX_DATA_TRACK_MESSAGE_SIZE
  ) {
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      `maxDataTrackMessageSize must be an integer ≥ ${MIN_MAX_DATA_TRACK_MESSAGE_SIZE}, got ${maxDataTrackMessageSize}`,
    );
  }
  return { messageBacklogSize, maxDataTrackMessageSize };
}
