import type { Reliability } from "./QosProfile.js";

/** What the video pipeline learned from a channel's first transcoded frame. */
export interface VideoMetadata {
  /** Pixel or compression format of the source, e.g. `rgb8`, `mono16`, `jpeg`. */
  readonly sourceEncoding: string;
  /** The image `frame_id`; omitted from the metadata when empty. */
  readonly frameId: string;
}

/** Channel metadata keys the session adds to its advertisements. */
export const SessionMetadataKey = {
  Reliable: "foxglove.reliable",
  HasVideoTrack: "foxglove.hasVideoTrack",
  VideoSourceEncoding: "foxglove.videoSourceEncoding",
  VideoFrameId: "foxglove.videoFrameId",
} as const;

/**
 * The metadata map of a channel as the session advertises it: the channel's own metadata plus
 * `foxglove.reliable` (Reliable QoS), `foxglove.hasVideoTrack` (video-capable and not
 * suppressed), and once known `foxglove.videoSourceEncoding` / `foxglove.videoFrameId`.
 */
export function sessionChannelMetadata(
  own: Readonly<Record<string, string>>,
  state: {
    readonly reliability: Reliability;
    readonly hasVideoTrack: boolean;
    readonly video?: VideoMetadata | undefined;
  },
): Record<string, string> {
  const out: Record<string, string> = { ...own };
  if (state.reliability === "reliable") {
    out[SessionMetadataKey.Reliable] = "true";
  }
  if (state.hasVideoTrack) {
    out[SessionMetadataKey.HasVideoTrack] = "true";
    if (state.video !== undefined) {
      out[SessionMetadataKey.VideoSourceEncoding] = state.video.sourceEncoding;
      if (state.video.frameId !== "") {
        out[SessionMetadataKey.VideoFrameId] = state.video.frameId;
      }
    }
  }
  return out;
}
