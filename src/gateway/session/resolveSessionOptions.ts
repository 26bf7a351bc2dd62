import { FoxgloveError } from "../../core/FoxgloveError.js";
import { MAX_FRAME_PAYLOAD } from "../../protocol/index.js";
import { DEFAULT_BURST_GAP_MS } from "../../livekit/DataTrackPacer.js";
import type { VideoEncoderName } from "../../livekit/index.js";
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
  /**
   * Least spacing between two frames handed to one lossy data track, in ms (default 0.6, from 0
   * to 10; 0 turns it off). When a lossy channel is logged again sooner (a burst, or a late
   * timer catching up), `log()` sleeps the calling thread for the rest of the gap before handing
   * the frame to LiveKit, at most 8 times in a row (so one burst blocks `log()` for at most 8 gaps),
   * because LiveKit's data-track sender keeps one waiting frame and a frame that arrives too soon
   * evicts the one before it. A sustained rate above 1 / gap is not slowed down.
   */
  readonly lossyBurstGapMs?: number | undefined;
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
  maxViewerFrameSize: number;
  maxControlStreamsPerViewer: number;
  lossyBurstGapMs: number;
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
    lossyBurstGapMs: gapMs(options.lossyBurstGapMs ?? DEFAULT_BURST_GAP_MS),
  };
}

/** `value` if it is a number of milliseconds from 0 to 10; else FoxgloveError `ERR_CONFIGURATION`. */
function gapMs(value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 10)) {
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      `lossyBurstGapMs must be a number of milliseconds from 0 to 10, got ${String(value)}`,
    );
  }
  return value;
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
