/** Per-viewer control queue capacity, in messages (the reference's "message backlog size"). */
export const DEFAULT_MESSAGE_BACKLOG_SIZE = 1024;

/** Largest lossy message sent on a data track, in bytes (100 KiB); larger ones are dropped. */
export const DEFAULT_MAX_DATA_TRACK_MESSAGE_SIZE = 100 * 1024;

/**
 * Largest frame a viewer may send the device, in bytes (1 MiB). The largest legitimate
 * viewer-to-device message is a client-published message (teleop commands, poses, small images,
 * service requests: kilobytes in practice), so 1 MiB leaves ample room while bounding what one
 * control stream can make the device hold.
 */
export const DEFAULT_MAX_VIEWER_FRAME_SIZE = 1024 * 1024;

/** Control streams one viewer identity may have open toward the device at a time. */
export const DEFAULT_MAX_CONTROL_STREAMS_PER_VIEWER = 4;

/** Smallest accepted `maxDataTrackMessageSize`, in bytes (about one WebRTC data packet). */
export const MIN_MAX_DATA_TRACK_MESSAGE_SIZE = 1200;

/** Interval of throttled per-track logs and drop reports, in milliseconds (30 s). */
export const DATA_TRACK_THROTTLE_MS = 30_000;

/** Largest control batch written to a byte stream in one call, in bytes (a batch holds ≥ 1 frame). */
export const DEFAULT_MAX_CONTROL_BATCH_BYTES = 64 * 1024;
