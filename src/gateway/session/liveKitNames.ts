/** Byte-stream topic of control streams in both directions. */
export const CONTROL_TOPIC = "control";

/** The data track of a lossy channel: `data-ch-<channelId>`. */
export function dataTrackName(channelId: number): string {
  return `data-ch-${channelId}`;
}

/** The video track of a video channel: `video-ch-<channelId>`. */
export function videoTrackName(channelId: number): string {
  return `video-ch-${channelId}`;
}

const TRACK = /^(data|video)-ch-(0|[1-9]\d{0,15})$/;

/**
 * The channel ID in a track name made by {@link dataTrackName} / {@link videoTrackName}, or
 * undefined when the name has another form (viewers ignore such tracks).
 */
export function channelIdOfTrack(name: string, kind: "data" | "video"): number | undefined {
  const m = TRACK.exec(name);
  if (m === null || m[1] !== kind) {
    return undefined;
  }
  const id = Number(m[2]);
  return Number.isSafeInteger(id) ? id : undefined;
}
