/** Names used on the LiveKit transport (spec 1.2, 2.1, 3.6, 5.2). */

/** Byte-stream topic of control streams (both directions). */
export const CONTROL_TOPIC = "control";

/** Participant attribute carrying the protocol version. */
export const PROTOCOL_VERSION_ATTRIBUTE = "protocolVersion";

/** Reserved channel metadata keys set by the device (3.6). */
export const ChannelMetadataKey = {
  HasVideoTrack: "foxglove.hasVideoTrack",
  VideoSourceEncoding: "foxglove.videoSourceEncoding",
  VideoFrameId: "foxglove.videoFrameId",
  Reliable: "foxglove.reliable",
  OriginalSchemaName: "foxglove.originalSchemaName",
} as const;

const DATA_TRACK = /^data-ch-(0|[1-9][0-9]{0,15})$/;
const VIDEO_TRACK = /^video-ch-(0|[1-9][0-9]{0,15})$/;

/** Data-track name of a channel: `data-ch-<id>` (decimal, no padding). */
export function dataTrackName(channelId: number): string {
  return `data-ch-${channelId}`;
}

/** Video-track name of a channel: `video-ch-<id>`. */
export function videoTrackName(channelId: number): string {
  return `video-ch-${channelId}`;
}

function parseId(re: RegExp, name: string): number | undefined {
  const m = re.exec(name);
  const id = m === null ? NaN : Number(m[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Channel id of a `data-ch-<id>` track name, or `undefined` if it is not one. */
export function parseDataTrackName(name: string): number | undefined {
  return parseId(DATA_TRACK, name);
}

/** Channel id of a `video-ch-<id>` track name, or `undefined` if it is not one. */
export function parseVideoTrackName(name: string): number | undefined {
  return parseId(VIDEO_TRACK, name);
}

/** Status id of the oversized-message drop warning of a channel (`channel-drops-<id>`). */
export function channelDropsStatusId(channelId: number): string {
  return `channel-drops-${channelId}`;
}

/** Status id of the point-cloud compression warning of a channel. */
export function pointCloudCompressionStatusId(channelId: number): string {
  return `point-cloud-compression-${channelId}`;
}
