import { FoxgloveError } from "../../core/FoxgloveError.js";
import { MAX_FRAME_PAYLOAD } from "../../protocol/index.js";
import {
  DEFAULT_MAX_CONTROL_STREAMS_PER_VIEWER,
  DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
  DEFAULT_MAX_VIEWER_FRAME_SIZE,
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
   * Largest frame payload a viewer may send the device, in bytes; default 1048576 (1 MiB), from
   * 1024 to 16 MiB. A larger declared frame ends the reading of that control stream.
   */
  readonly maxViewerFrameSize?: number | undefined;
  /** Control streams one viewer identity may have open toward the device; default 4, at least 1. */
  readonly maxControlStreamsPerViewer?: number | undefined;
}

/**
 * Fills in defaults and validates the limits. Throws FoxgloveError `ERR_CONFIGURATION` for a
 * non-integer or too small value.
 */
export function resolveSessionOptions(options: SessionLimitOptions = {}): Required<{
  messageBacklogSize: number;
  maxDataTrackMessageSize: number;
  maxViewerFrameSize: number;
  maxControlStreamsPerViewer: number;
}> {
  return {
    messageBacklogSize: integer(
      "messageBacklogSize",
      options.messageBacklogSize ?? DEFAULT_MESSAGE_BACKLOG_SIZE,
      1,
    ),
    maxDataTrackMessageSize: integer(
      "maxDataTrackMessageSize",
      options.maxDataTrackMessageSize ?? DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE,
      MIN_MAX_DATA_TRACK_MESSAGE_SIZE,
    ),
    maxViewerFrameSize: integer(
      "maxViewerFrameSize",
      options.maxViewerFrameSize ?? DEFAULT_MAX_VIEWER_FRAME_SIZE,
      1024,
      MAX_FRAME_PAYLOAD,
    ),
    maxControlStreamsPerViewer: integer(
      "maxControlStreamsPerViewer",
      options.maxControlStreamsPerViewer ?? DEFAULT_MAX_CONTROL_STREAMS_PER_VIEWER,
      1,
    ),
  };
}

/** `value` if it is a safe integer in `min`…`max`; else FoxgloveError `ERR_CONFIGURATION`. */
function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      `${name} must be an integer ${range}, got ${value}`,
    );
  }
  return value;
}
