import { ChannelMetadataKey } from "../protocol/index.js";
import type { Reliability } from "./planChannels.js";

/** What the video pipeline learned from a channel's first transcoded frame. */
export interface VideoMetadata {
  /** Pixel or compression format of the source, e.g. `rgb8`, `mono16`, `jpeg`. */
  readonly sourceEncoding: string;
  /** The image `frame_id`; omitted from the metadata when empty. */
  readonly frameId: string;
}

/**
 * The metadata map of a channel as the session advertises it: the channel's own metadata plus
 * `foxglove.reliable` (Reliable QoS), `foxglove.hasVideoTrack` (video-capable and not
 * suppressed), and once known `foxglove.videoSourceEncoding` / `foxglove.videoFrameId`.
 */
export function advertisedChannelMetadata(
  own: Readonly<Record<string, string>>,
  state: {
    readonly reliability: Reliability;
    readonly hasVideoTrack: boolean;
    readonly video?: VideoMetadata | undefined;
  },
): Record<string, string> {
  const out: Record<string, string> = { ...own };
  if (state.reliability === "reliable") {
    out[ChannelMetadataKey.Reliable] = "true";
  }
  if (state.hasVideoTrack) {
    out[ChannelMetadataKey.HasVideoTrack] = "true";
    if (state.video !== undefined) {
      out[ChannelMetadataKey.VideoSourceEncoding] = state.video.sourceEncoding;
      if (state.video.frameId !== "") {
        out[ChannelMetadataKey.VideoFrameId] = state.video.frameId;
      }
    }
  }
  return out;
}
